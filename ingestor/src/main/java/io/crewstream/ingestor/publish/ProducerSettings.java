package io.crewstream.ingestor.publish;

import java.util.HashMap;
import java.util.Map;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.TopicNamespace;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The configuration of the ingestor's producers, one per gateway it writes for. Values are serialized by the contract
 * serdes before sending. Each producer is transactional with the gateway's own {@link #transactionalId transactional
 * id}, the same in every ingestor instance, which is what lets Kafka fence an instance that lost the gateway.
 */
public final class ProducerSettings {

    /** Longest a {@code send} may wait for metadata or buffer space before it fails instead. */
    static final int MAX_BLOCK_MS = 5_000;

    private ProducerSettings() {
    }

    /** Added to a transaction's timeout beyond the delivery timeout: room for the commit's own round trips. */
    static final int TRANSACTION_MARGIN_MS = 10_000;

    private static final String TRANSACTIONAL_ID_BASE = "crewstream-ingestor-";

    /**
     * {@code <topic prefix>crewstream-ingestor-<connectionId>}: the same in every instance, so that an instance
     * opening the gateway's writer fences the one that wrote for it before; prefixed like the topics, so that
     * pipelines sharing a cluster do not fence each other.
     */
    public static String transactionalId(TopicNamespace namespace, String connectionId) {
        return namespace.prefix() + TRANSACTIONAL_ID_BASE + connectionId;
    }

    /** The settings of the producer that writes for {@code connectionId}. */
    public static Map<String, Object> of(KafkaSettings shared, IngestorProperties.Kafka kafka, String connectionId) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, shared.bootstrapServers());
        // One per gateway: producers sharing a client id collide in JMX and are indistinguishable in broker logs.
        config.put(ProducerConfig.CLIENT_ID_CONFIG, TRANSACTIONAL_ID_BASE + connectionId);
        config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(shared.namespace(), connectionId));
        // An open transaction holds back every read_committed reader of its partitions (other gateways' records
        // too) until it ends. When a frozen instance is replaced, the new owner's initTransactions aborts it at once;
        // when nobody replaces it (a single instance stalls), the coordinator aborts it after this timeout. So: as
        // short as possible, but longer than a healthy transaction may take (its records' delivery timeout, then the
        // commit), or the coordinator would abort transactions that were about to succeed.
        config.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG,
                (int) Math.min(Integer.MAX_VALUE, kafka.deliveryTimeout().toMillis() + TRANSACTION_MARGIN_MS));
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // A snapshot chunk or change acknowledged by one replica only could vanish with it.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries must neither duplicate nor reorder a connection's records (snapshot chunks are applied in order);
        // transactions need it anyway.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A send that cannot succeed must fail within bounds, so that the ingestor reports itself degraded.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) kafka.deliveryTimeout().toMillis());
        // delivery.timeout.ms must be at least linger.ms + request.timeout.ms; keep requests shorter than it.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(30_000, kafka.deliveryTimeout().toMillis() / 2));
        // A writer thread must not stall for a minute (the default) in one call while the cluster is unreachable: it
        // bounds each send, initTransactions, commit and abort attempt (the writer retries the last three).
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        // Records are cut to max-record-bytes; leave the producer room for the record's own overhead.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1_048_576, kafka.maxRecordBytes() + 65_536));
        return config;
    }
}

package io.crewstream.ingestor.publish;

import java.util.HashMap;
import java.util.Map;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.runtime.KafkaSettings;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** The producer configuration of the ingestor. Values are serialized by the contract serdes before sending. */
public final class ProducerSettings {

    /** Longest a {@code send} may wait for metadata or buffer space before it fails instead. */
    static final int MAX_BLOCK_MS = 5_000;

    private ProducerSettings() {
    }

    public static Map<String, Object> of(KafkaSettings shared, IngestorProperties.Kafka kafka) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, shared.bootstrapServers());
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "crewstream-ingestor");
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        // A snapshot chunk or change acknowledged by one replica only could vanish with it.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // Retries must neither duplicate nor reorder a connection's records (snapshot chunks are applied in order).
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // A send that cannot succeed must fail within bounds, so that the ingestor reports itself degraded.
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) kafka.deliveryTimeout().toMillis());
        // delivery.timeout.ms must be at least linger.ms + request.timeout.ms; keep requests shorter than it.
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG,
                (int) Math.min(30_000, kafka.deliveryTimeout().toMillis() / 2));
        // The publisher thread must not stall for a minute (the default) while the cluster is unreachable.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, MAX_BLOCK_MS);
        // Records are cut to max-record-bytes; leave the producer room for the record's own overhead.
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1_048_576, kafka.maxRecordBytes() + 65_536));
        return config;
    }
}

package io.crewstream.projector.streams;

import java.util.Properties;

import io.crewstream.projector.ProjectorProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** The Kafka Streams configuration of the projector. */
public final class StreamsSettings {

    /** Room left under the producer's {@code max.request.size} for a record's framing and headers. */
    static final int RECORD_FRAMING_ALLOWANCE = 16 * 1024;

    /** The producer's own default {@code max.request.size}. */
    private static final int DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;

    private StreamsSettings() {
    }

    /**
     * The largest record (key and value) the projector writes under these settings: the producer's
     * {@code max.request.size} less {@link #RECORD_FRAMING_ALLOWANCE}. A larger one would fail its send, and under
     * exactly-once the whole transaction with it, after every restart of the stream thread.
     */
    public static int maxRecordBytes(Properties settings) {
        Object configured = settings.get(StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG));
        if (configured == null) {
            configured = settings.get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        }
        int maxRequestSize = (configured == null) ? DEFAULT_MAX_REQUEST_SIZE
                : Integer.parseInt(configured.toString().trim());
        return Math.max(1, maxRequestSize - RECORD_FRAMING_ALLOWANCE);
    }

    public static Properties of(ProjectorProperties properties) {
        Properties settings = new Properties();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, properties.applicationId());
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers());
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, properties.processingGuarantee());
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, properties.commitInterval().toMillis());
        settings.put(StreamsConfig.STATE_DIR_CONFIG, properties.stateDir().toString());
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, properties.streamThreads());
        settings.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, properties.standbyReplicas());
        settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) properties.replicationFactor());
        if (!properties.instanceId().isBlank()) {
            settings.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                    properties.instanceId());
        }
        // No record cache: a cached change reaches the output only at the next commit or flush, i.e. late.
        settings.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // Status and session events commute (they set different fields of a connection row): never wait to interleave.
        settings.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // A bug hit by one record is logged and counted (dropped-records) instead of killing thread after thread.
        settings.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class);
        // An output over max.request.size would fail every replacement thread on the same input: skip it, logged.
        settings.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OversizedRecordHandler.class);
        // Overrides come before the settings derived below, so that those follow what is in effect.
        settings.putAll(properties.streamsProperties());
        if (!properties.streamsProperties().containsKey(StreamsConfig.POLL_MS_CONFIG)) {
            // A commit falls due only between polls: a poll may not block longer than the interval (default 100 ms).
            // At least 1 ms: a zero poll would spin.
            long commitInterval = Long.parseLong(settings.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG).toString());
            settings.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, commitInterval));
        }
        String isolation = StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(settings.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG).toString())
                && !properties.streamsProperties().containsKey(isolation)) {
            // Exactly-once reads only committed data by itself; at-least-once must too: an aborted write is no fact.
            settings.put(isolation, IsolationLevel.READ_COMMITTED.toString());
        }
        return settings;
    }
}

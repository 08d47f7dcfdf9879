package io.crewstream.projector.streams;

import java.util.Properties;

import io.crewstream.projector.ProjectorProperties;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.streams.SharedStreamsSettings;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The Kafka Streams configuration of the projector: the settings every app shares ({@link SharedStreamsSettings})
 * and the projector's own, each forced one with its reason.
 */
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

    public static Properties of(ProjectorProperties properties, KafkaSettings kafka) {
        Properties own = new Properties();
        own.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, properties.standbyReplicas());
        // No record cache: a cached change reaches the output only at the next commit or flush, i.e. late.
        own.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // Status and session events commute (they set different fields of a connection row): never wait to interleave.
        own.put(StreamsConfig.MAX_TASK_IDLE_MS_CONFIG, StreamsConfig.MAX_TASK_IDLE_MS_DISABLED);
        // An output over max.request.size would fail every replacement thread on the same input: skip it, logged.
        own.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, OversizedRecordHandler.class);
        Properties settings = SharedStreamsSettings.of(properties, kafka, own);
        if (!properties.streamsProperties().containsKey(StreamsConfig.POLL_MS_CONFIG)) {
            // A commit falls due only between polls: a poll may not block longer than the interval (default 100 ms).
            // At least 1 ms: a zero poll would spin. Derived after the overrides, to follow the interval in effect.
            long commitInterval = Long.parseLong(settings.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG).toString());
            settings.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, commitInterval));
        }
        return settings;
    }
}

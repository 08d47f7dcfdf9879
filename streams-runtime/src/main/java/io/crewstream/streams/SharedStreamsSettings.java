package io.crewstream.streams;

import java.util.Properties;

import io.crewstream.runtime.KafkaSettings;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The part of the Kafka Streams configuration that every app of crewstream shares: what
 * {@link StreamsAppProperties} and the shared {@link KafkaSettings} say, and the settings forced for all of them, each with its reason. An app adds its
 * own forced settings (each with its reason, in its own settings class) through {@link #of}. Pure functions.
 */
public final class SharedStreamsSettings {

    private SharedStreamsSettings() {
    }

    /**
     * In this order, each overriding what came before: the shared settings, the app's own, the app's
     * {@link StreamsAppProperties#streamsProperties()}; then what follows from the result (the isolation level), unless
     * the streams properties set it themselves.
     */
    public static Properties of(StreamsAppProperties properties, KafkaSettings kafka, Properties appSettings) {
        Properties settings = new Properties();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, properties.applicationId());
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, properties.processingGuarantee());
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, properties.commitInterval().toMillis());
        settings.put(StreamsConfig.STATE_DIR_CONFIG, properties.stateDir().toString());
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, properties.streamThreads());
        settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) kafka.replication().factor());
        // The changelogs are the stores' only durable copy and the repartition topics carry records in flight: they
        // need the same guarantee as the topics the app creates itself (Kafka Streams' topic.* settings).
        kafka.replication().topicConfigs()
                .forEach((name, value) -> settings.put(StreamsConfig.topicPrefix(name), value));
        // A write is acknowledged once it is on min.insync.replicas brokers, and a retry neither duplicates nor
        // reorders it. Exactly-once requires both; under at-least-once they are the producer's defaults since Kafka
        // 3.0, stated here so that they do not hang on a client's defaults.
        settings.put(StreamsConfig.producerPrefix(ProducerConfig.ACKS_CONFIG), "all");
        settings.put(StreamsConfig.producerPrefix(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG), true);
        if (!properties.instanceId().isBlank()) {
            settings.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                    properties.instanceId());
        }
        // A bug hit by one record is logged and counted (dropped-records) instead of killing thread after thread.
        settings.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class);
        settings.putAll(appSettings);
        // Overrides come before the settings derived below, so that those follow what is in effect.
        settings.putAll(properties.streamsProperties());
        String isolation = StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG);
        if (!StreamsConfig.EXACTLY_ONCE_V2.equals(settings.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG).toString())
                && !properties.streamsProperties().containsKey(isolation)) {
            // Exactly-once reads only committed data by itself; at-least-once must too: an aborted write is no fact.
            settings.put(isolation, IsolationLevel.READ_COMMITTED.toString());
        }
        return settings;
    }
}

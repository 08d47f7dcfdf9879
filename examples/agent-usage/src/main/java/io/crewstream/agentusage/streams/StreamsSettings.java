package io.crewstream.agentusage.streams;

import java.util.Properties;

import io.crewstream.agentusage.AgentUsageProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/** The Kafka Streams configuration of the agent-usage app, each forced setting with its reason. */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    public static Properties of(AgentUsageProperties properties) {
        Properties settings = new Properties();
        settings.put(StreamsConfig.APPLICATION_ID_CONFIG, properties.applicationId());
        settings.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, properties.bootstrapServers());
        settings.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, properties.processingGuarantee());
        settings.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, properties.commitInterval().toMillis());
        settings.put(StreamsConfig.STATE_DIR_CONFIG, properties.stateDir().toString());
        settings.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, properties.streamThreads());
        settings.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, (int) properties.replicationFactor());
        if (!properties.instanceId().isBlank()) {
            settings.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG),
                    properties.instanceId());
        }
        // No record cache: the processors write their outputs themselves; a cache would only delay the changelogs.
        settings.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // A table row that breaks the contract is logged and skipped (dropped-records), not a dead stream thread:
        // usage is an estimate of what the table says, and one bad row must not stop it.
        settings.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueExceptionHandler.class);
        // Likewise a key that is not <connectionId>/<sessionKey>, or a bug hit by one record.
        settings.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                LogAndContinueProcessingExceptionHandler.class);
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

package io.crewstream.agentusage.streams;

import java.util.Properties;

import io.crewstream.agentusage.AgentUsageProperties;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.streams.SharedStreamsSettings;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;

/**
 * The Kafka Streams configuration of the agent-usage app: the settings every app shares
 * ({@link SharedStreamsSettings}: among them, a record that hits a bug or whose key is not
 * {@code <connectionId>/<sessionKey>} is logged and skipped) and the app's own, each forced one with its reason.
 */
public final class StreamsSettings {

    private StreamsSettings() {
    }

    public static Properties of(AgentUsageProperties properties, KafkaSettings kafka) {
        Properties own = new Properties();
        // No record cache: the processors write their outputs themselves; a cache would only delay the changelogs.
        own.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        // A table row that breaks the contract is logged and skipped (dropped-records), not a dead stream thread:
        // usage is an estimate of what the table says, and one bad row must not stop it.
        own.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        return SharedStreamsSettings.of(properties, kafka, own);
    }
}

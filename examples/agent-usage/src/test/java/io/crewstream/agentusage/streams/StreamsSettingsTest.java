package io.crewstream.agentusage.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;

import io.crewstream.agentusage.AgentUsageProperties;
import io.crewstream.runtime.KafkaSettings;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamsSettingsTest {

    @Test
    void exactlyOnceWithoutCacheAndUnreadableRecordsAreSkippedNotFatal() {
        Properties settings = settings(properties("exactly_once_v2", Map.of()));

        assertThat(settings)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "usage")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000L)
                .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0)
                .containsEntry(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueExceptionHandler.class)
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueProcessingExceptionHandler.class)
                .containsEntry(StreamsConfig.mainConsumerPrefix("group.instance.id"), "pod-1")
                .doesNotContainKey(StreamsConfig.consumerPrefix("isolation.level"));
    }

    @Test
    void atLeastOnceStillReadsOnlyCommittedRecords() {
        Properties settings = settings(properties("at_least_once", Map.of()));

        assertThat(settings).containsEntry(StreamsConfig.consumerPrefix("isolation.level"), "read_committed");
    }

    @Test
    void streamsPropertiesAreAppliedLast() {
        Properties settings = settings(properties("exactly_once_v2",
                Map.of(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "1048576")));

        assertThat(settings).containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "1048576");
    }

    private static AgentUsageProperties properties(String guarantee, Map<String, String> overrides) {
        return new AgentUsageProperties("usage", "pod-1", guarantee,
                Duration.ofSeconds(1), Path.of("/tmp/usage"), 1, Duration.ofMinutes(2), Duration.ofSeconds(30),
                Duration.ofSeconds(30), Duration.ofSeconds(60), overrides);
    }

    private static Properties settings(AgentUsageProperties properties) {
        return StreamsSettings.of(properties, KafkaSettings.of("kafka:9092", ""));
    }
}

package io.crewstream.projector.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.projector.ProjectorProperties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The Kafka Streams settings that the projector's latency and safety depend on. */
class StreamsSettingsTest {

    @Test
    void aPollNeverBlocksLongerThanTheCommitIntervalSoACommitIsNeverLate() {
        StreamsConfig config = new StreamsConfig(settings(properties(Duration.ofMillis(5), Map.of())));

        assertThat(config.getLong(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(5L);
        assertThat(config.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(5L);
    }

    @Test
    void exactlyOnceWithoutRecordCacheByDefault() {
        StreamsConfig config = new StreamsConfig(settings(properties(Duration.ofMillis(5), Map.of())));

        assertThat(config.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
                .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
        assertThat(config.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isZero();
    }

    @Test
    void streamsPropertiesOverrideTheProjectorsOwnSettings() {
        StreamsConfig config = new StreamsConfig(settings(properties(Duration.ofMillis(5),
                Map.of(StreamsConfig.POLL_MS_CONFIG, "50", StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG),
                        "0"))));

        assertThat(config.getLong(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(50L);
        assertThat(config.getProducerConfigs("client").get(ProducerConfig.LINGER_MS_CONFIG)).isEqualTo("0");
    }

    @Test
    void aCommitIntervalSetAmongTheStreamsPropertiesStillBoundsThePoll() {
        StreamsConfig config = new StreamsConfig(settings(properties(Duration.ofMillis(5),
                Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, "20"))));

        assertThat(config.getLong(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(20L);
    }

    @Test
    void aZeroCommitIntervalDoesNotMakeThePollSpin() {
        StreamsConfig config = new StreamsConfig(settings(properties(Duration.ZERO, Map.of())));

        assertThat(config.getLong(StreamsConfig.POLL_MS_CONFIG)).isEqualTo(1L);
    }

    @Test
    void atLeastOnceChosenAmongTheStreamsPropertiesStillReadsOnlyCommittedInput() {
        StreamsConfig config = new StreamsConfig(settings(properties(Duration.ofMillis(5),
                Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE))));

        assertThat(config.getMainConsumerConfigs("group", "client", 0).get(ConsumerConfig.ISOLATION_LEVEL_CONFIG))
                .isEqualTo("read_committed");
    }

    private static ProjectorProperties properties(Duration commitInterval, Map<String, String> overrides) {
        return new ProjectorProperties("projector", "", "exactly_once_v2",
                commitInterval, Path.of("unused"), 1, 0, Duration.ofSeconds(5), Duration.ofSeconds(5),
                Duration.ofSeconds(60), overrides, null);
    }

    private static java.util.Properties settings(ProjectorProperties properties) {
        return StreamsSettings.of(properties, io.crewstream.runtime.KafkaSettings.of("unused:9092", ""));
    }
}

package io.crewstream.streams;

import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import io.crewstream.schemas.TopicReplication;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The settings every app shares, and in which order the app's own and the overrides apply. */
class SharedStreamsSettingsTest {

    private final TestAppProperties properties = TestAppProperties.of("kafka:9092", Path.of("/tmp/app"));

    @Test
    void thePropertiesAreTheSettingsAndABugHitByOneRecordIsSkippedNotFatal() {
        Properties settings = shared(this.properties, new Properties());

        assertThat(settings)
                .containsEntry(StreamsConfig.APPLICATION_ID_CONFIG, "app")
                .containsEntry(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "kafka:9092")
                .containsEntry(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "exactly_once_v2")
                .containsEntry(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100L)
                .containsEntry(StreamsConfig.STATE_DIR_CONFIG, Path.of("/tmp/app").toString())
                .containsEntry(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1)
                .containsEntry(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1)
                .containsEntry(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), "pod-1")
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
                        LogAndContinueProcessingExceptionHandler.class)
                .doesNotContainKey(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    }

    @Test
    void internalTopicsAreReplicatedLikeTheAppsOwnAndEveryWriteWaitsForTheInSyncReplicas() {
        Properties settings = shared(this.properties.withReplication(
                TopicReplication.of((short) 3, null)).withGuarantee(StreamsConfig.AT_LEAST_ONCE), new Properties());
        StreamsConfig config = new StreamsConfig(settings);

        assertThat(config.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
        assertThat(config.originalsWithPrefix(StreamsConfig.TOPIC_PREFIX))
                .containsEntry(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2");
        Map<String, Object> producer = config.getProducerConfigs("client");
        assertThat(producer).containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    }

    @Test
    void atLeastOnceStillReadsOnlyCommittedRecords() {
        Properties settings = shared(this.properties.withGuarantee(StreamsConfig.AT_LEAST_ONCE),
                new Properties());

        assertThat(new StreamsConfig(settings).getMainConsumerConfigs("group", "client", 0)
                .get(ConsumerConfig.ISOLATION_LEVEL_CONFIG)).isEqualTo("read_committed");
    }

    @Test
    void atLeastOnceChosenAmongTheStreamsPropertiesStillReadsOnlyCommittedRecords() {
        Properties settings = shared(this.properties.withStreamsProperties(
                Map.of(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE)), new Properties());

        assertThat(settings).containsEntry(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG),
                "read_committed");
    }

    @Test
    void theAppsOwnSettingsComeAfterTheSharedOnesAndTheStreamsPropertiesLast() {
        Properties own = new Properties();
        own.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        own.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, "app.Handler");

        Properties settings = shared(this.properties.withStreamsProperties(
                Map.of(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "1048576")), own);

        assertThat(settings)
                .containsEntry(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, "app.Handler")
                .containsEntry(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, "1048576");
    }

    private static Properties shared(TestAppProperties properties, Properties own) {
        return SharedStreamsSettings.of(properties, properties.kafka(), own);
    }
}

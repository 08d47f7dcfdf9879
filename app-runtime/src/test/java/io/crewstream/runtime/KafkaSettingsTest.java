package io.crewstream.runtime;

import java.util.Map;

import io.crewstream.schemas.TopicReplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Kafka settings every app shares: their names, their defaults, and what is refused at start. */
class KafkaSettingsTest {

    @Test
    void everySettingHasADefault() {
        KafkaSettings kafka = bind(Map.of());

        assertThat(kafka.bootstrapServers()).isEqualTo("localhost:9092");
        assertThat(kafka.topicPrefix()).isEmpty();
        assertThat(kafka.partitions()).isEqualTo(3);
        assertThat(kafka.replication()).isEqualTo(TopicReplication.SINGLE);
    }

    @Test
    void settingsAreBoundFromTheirKebabCaseNamesUnderCrewstreamKafka() {
        KafkaSettings kafka = bind(Map.of("crewstream.kafka.bootstrap-servers", "kafka:9092",
                "crewstream.kafka.topic-prefix", "team-a.", "crewstream.kafka.partitions", "6",
                "crewstream.kafka.replication-factor", "3"));

        assertThat(kafka).isEqualTo(new KafkaSettings("kafka:9092", "team-a.", 6, (short) 3, (short) 2));
        assertThat(kafka.namespace().prefix()).isEqualTo("team-a.");
    }

    @Test
    void moreInSyncReplicasThanReplicasIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("crewstream.kafka.replication-factor", "3",
                "crewstream.kafka.min-insync-replicas", "4")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("crewstream.kafka.min-insync-replicas must be between 1 and the "
                        + "replication factor (3) but was 4");
    }

    @Test
    void aTopicPrefixKafkaCannotUseIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("crewstream.kafka.topic-prefix", "my topics/")))
                .isInstanceOf(BindException.class)
                .hasStackTraceContaining("crewstream.kafka.topic-prefix: Topic namespace prefix must be");
    }

    @Test
    void noPartitionsAndNoClusterAreRefusedNamingTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("crewstream.kafka.partitions", "0")))
                .hasStackTraceContaining("crewstream.kafka.partitions must be at least 1 but was 0");
        assertThatThrownBy(() -> bind(Map.of("crewstream.kafka.bootstrap-servers", " ")))
                .hasStackTraceContaining("crewstream.kafka.bootstrap-servers must not be empty");
    }

    private static KafkaSettings bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate(KafkaSettings.PREFIX, KafkaSettings.class);
    }
}

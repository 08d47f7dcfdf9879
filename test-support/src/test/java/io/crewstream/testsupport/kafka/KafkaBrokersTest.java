package io.crewstream.testsupport.kafka;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class KafkaBrokersTest {

    @Test
    void externalClusterFromEnvironmentIsUsedWithoutAskingDocker() {
        KafkaBroker broker = KafkaBrokers.start(Map.of(KafkaBrokers.BOOTSTRAP_SERVERS_ENV, " kafka-1:9092 ")::get,
                () -> {
                    throw new AssertionError("Docker must not be probed when an external cluster is configured");
                });

        assertThat(broker.mode()).isEqualTo(KafkaBroker.Mode.EXTERNAL);
        assertThat(broker.bootstrapServers()).isEqualTo("kafka-1:9092");
    }

    @Test
    void uniquePrefixesDifferAndAreLegalTopicNameParts() {
        KafkaBroker broker = new ExternalKafkaBroker("unused:9092");

        String first = broker.uniquePrefix("Projector Test");
        String second = broker.uniquePrefix("Projector Test");

        assertThat(first).isNotEqualTo(second).matches("it-projector-test-[0-9a-f]{8}\\.");
    }
}

package io.crewstream.ingestor.publish;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.runtime.TopicPlan;
import io.crewstream.schemas.Topic;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the ingestor provisions, and that an unreachable Kafka neither blocks its start nor outlives its stop. */
class InputTopicsTest {

    private static final KafkaSettings SIX = new KafkaSettings("kafka:9092", "", 6, (short) 1, null);

    @Test
    void theTopicsReadTogetherPerConnectionShareTheSharedPartitionCountAndRawFramesHasItsOwn() {
        TopicPlan plan = InputTopics.plan(SIX, own(2, true));

        assertThat(plan.partitions()).containsExactlyInAnyOrderEntriesOf(Map.of(Topic.SESSION_EVENTS, 6,
                Topic.CONNECTION_STATUS, 6, Topic.RUN_EVENTS, 6, Topic.AGENT_LISTS, 6, Topic.SESSION_VERIFICATIONS, 6,
                Topic.RAW_FRAMES, 2, Topic.SNAPSHOT_REQUESTS, 6));
        assertThat(plan.coPartitioned()).containsExactly(List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS,
                Topic.RUN_EVENTS, Topic.AGENT_LISTS, Topic.SESSION_VERIFICATIONS));
        assertThat(plan.create()).isTrue();
    }

    @Test
    void withoutCreateTopicsTheTopicsAreOnlyChecked() {
        assertThat(InputTopics.plan(SIX, own(3, false)).create()).isFalse();
    }

    @Test
    void anUnreachableKafkaLetsTheStartGoOnAndStopEndsTheRetries() throws IOException {
        InputTopics topics = new InputTopics(new KafkaSettings("127.0.0.1:" + freePort(), "", 1, (short) 1, null),
                own(1, true));

        topics.start();
        assertThat(retrying()).as("retried in the background after the first attempt").isTrue();
        topics.stop();

        assertThat(retrying()).as("no provisioning thread left").isFalse();
    }

    private static boolean retrying() {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("ingestor-topics") && thread.isAlive());
    }

    private static IngestorProperties.Kafka own(int rawFramesPartitions, boolean createTopics) {
        return new IngestorProperties.Kafka(rawFramesPartitions, createTopics, Duration.ofSeconds(30), 262_144,
                900_000, 100);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

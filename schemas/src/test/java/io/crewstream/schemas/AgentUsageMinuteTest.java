package io.crewstream.schemas;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AgentUsageMinuteTest {

    private static final long MINUTE = 1_795_398_360_000L;

    @Test
    void usageTopicIsKeyedByConnectionAndAgentAndKeptThirtyDays() {
        assertThat(Topic.AGENT_USAGE.keyFormat()).isEqualTo(KeyFormat.CONNECTION_AND_AGENT_ID);
        assertThat(Topic.AGENT_USAGE.value()).isEqualTo(Payload.AGENT_USAGE);
        assertThat(Topic.AGENT_USAGE.configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "delete")
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(30L * 24 * 3600 * 1000));
        assertThat(CloudEventType.AGENT_USAGE.topic()).isEqualTo(Topic.AGENT_USAGE);
        assertThat(CloudEventType.AGENT_USAGE.dataSchema()).isEqualTo(Payload.AGENT_USAGE.schemaId());
    }

    @Test
    void keyIsConnectionSlashAgentAndTheAgentMayContainSlashes() {
        AgentUsageMinute minute = usage("a/b", MINUTE, Map.of());

        assertThat(minute.key()).isEqualTo("local/a/b");
        assertThat(AgentUsageMinute.key("local", "a/b")).isEqualTo(minute.key());
    }

    @Test
    void minuteOfTruncatesToTheMinuteItFallsIn() {
        assertThat(AgentUsageMinute.minuteOf(MINUTE)).isEqualTo(MINUTE);
        assertThat(AgentUsageMinute.minuteOf(MINUTE + 59_999)).isEqualTo(MINUTE);
        assertThat(AgentUsageMinute.minuteOf(MINUTE - 1)).isEqualTo(MINUTE - 60_000);
    }

    @Test
    void minuteStartOffTheMinuteIsInvalid() {
        assertThatThrownBy(() -> usage("main", MINUTE + 1, Map.of()))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("minuteStart")
                .hasMessageContaining("multiple of 60000");
    }

    @Test
    void negativeCountIsInvalidAndMissingOneIsMissing() {
        assertThatThrownBy(() -> AgentUsageMinute.of("local", "main", MINUTE, 1, 0, 0, -5, Map.of(), MINUTE))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("tokensConsumed");
        String noTokens = "{\"schemaVersion\":1,\"connectionId\":\"local\",\"agentId\":\"main\",\"minuteStart\":"
                + MINUTE + ",\"activeSessions\":1,\"sessionsCreated\":0,\"sessionsRemoved\":0,\"runsFinished\":{},"
                + "\"updatedAt\":" + MINUTE + "}";

        assertThatThrownBy(() -> ContractSerdes.forTopic(Topic.AGENT_USAGE, AgentUsageMinute.class)
                .deserialize("t", noTokens.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(MissingFieldException.class,
                        ex -> assertThat(ex.fieldName()).isEqualTo("tokensConsumed"));
    }

    @Test
    void runsFinishedCountsAtLeastOneRunPerNamedOutcome() {
        assertThatThrownBy(() -> usage("main", MINUTE, Map.of("done", 0L)))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("'done'");
        assertThatThrownBy(() -> usage("main", MINUTE, Map.of(" ", 1L)))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("blank outcome");
    }

    @Test
    void runsFinishedIsSortedByOutcomeSoThatEqualMinutesSerializeAlike() {
        Map<String, Long> unsorted = new LinkedHashMap<>();
        unsorted.put("timeout", 1L);
        unsorted.put("done", 2L);

        String json = new String(ContractSerdes.of(AgentUsageMinute.class).serialize("t",
                usage("main", MINUTE, unsorted)), StandardCharsets.UTF_8);

        assertThat(json).contains("\"runsFinished\":{\"done\":2,\"timeout\":1}");
    }

    private static AgentUsageMinute usage(String agentId, long minuteStart, Map<String, Long> runs) {
        return AgentUsageMinute.of("local", agentId, minuteStart, 1, 0, 0, 0, runs, MINUTE);
    }
}

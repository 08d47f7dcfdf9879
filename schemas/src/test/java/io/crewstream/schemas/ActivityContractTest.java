package io.crewstream.schemas;

import java.util.List;

import io.crewstream.schemas.records.ActivityError;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.RunUsage;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseActivity;
import io.crewstream.schemas.sse.SseSession;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The rules of the activity contract (issue #15) that its records enforce themselves. */
class ActivityContractTest {

    @Test
    void aToolStartNamesItsTool() {
        assertThatThrownBy(() -> RunEvent.toolStarted("local", "agent:main:main", "main", "r1", 1, 1, null, " ",
                "call-1")).isInstanceOf(MissingFieldException.class).hasMessageContaining("toolName");
    }

    @Test
    void onlyARunEndHasAnOutcomeAndOnlyAnErrorHasAKind() {
        assertThatThrownBy(() -> new RunEvent(1, "local", "agent:main:main", "main", "r1",
                io.crewstream.schemas.records.RunEventKind.RUN_STARTED, 1L, 1L, null, null, null, null,
                RunOutcome.COMPLETED, null, null, null)).isInstanceOf(InvalidFieldException.class);
        assertThatThrownBy(() -> RunEvent.runEnded("local", "agent:main:main", "main", "r1", 1, 1, null,
                RunOutcome.COMPLETED, "rate_limit", null, null)).isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("errorKind");
        assertThat(RunEvent.runEnded("local", "agent:main:main", "main", "r1", 1, 1, null, RunOutcome.ERROR,
                "rate_limit", new RunUsage(1L, 2L, 3L), null).errorKind()).isEqualTo("rate_limit");
    }

    @Test
    void aSummaryIsBounded() {
        assertThatThrownBy(() -> RunEvent.runEnded("local", "agent:main:main", "main", "r1", 1, 1, null,
                RunOutcome.ERROR, null, null, "x".repeat(RunEvent.MAX_SUMMARY_CHARS + 1)))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("summary");
    }

    @Test
    void anAgentListNamesEachAgentOnce() {
        assertThatThrownBy(() -> AgentList.of("local", "main", null, List.of(agent("main"), agent("main")), 1))
                .isInstanceOf(InvalidFieldException.class).hasMessageContaining("twice");
    }

    @Test
    void theMainSessionKeyUsesTheGatewaysMainKeyElseMain() {
        assertThat(AgentList.mainSessionKey("dev", "home")).isEqualTo("agent:dev:home");
        assertThat(AgentList.mainSessionKey("dev", null)).isEqualTo("agent:dev:main");
    }

    @Test
    void aBusySessionNamesItsRunAndARunningToolNamesTheTool() {
        assertThatThrownBy(() -> activity(ActivityState.THINKING, null, null, null, null))
                .isInstanceOf(MissingFieldException.class).hasMessageContaining("runId");
        assertThatThrownBy(() -> activity(ActivityState.RUNNING_TOOL, "r1", null, 1L, null))
                .isInstanceOf(MissingFieldException.class).hasMessageContaining("toolName");
        assertThatThrownBy(() -> activity(ActivityState.ERROR, null, null, null, null))
                .isInstanceOf(MissingFieldException.class).hasMessageContaining("lastError");
    }

    @Test
    void theBrowserSeesCrewHubsStatusAndTheGatewaysAsRunStatus() {
        ObjectNode json = json(new SseSession("local", row("{\"key\":\"agent:main:main\",\"status\":\"done\"}")));

        assertThat(json.get("status").asString()).isEqualTo(SseSession.IDLE);
        assertThat(json.get("runStatus").asString()).isEqualTo("done");
        assertThat(json.has("activity")).isFalse();
    }

    @Test
    void withoutActivityARunningRowIsActive() {
        assertThat(new SseSession("local", row("{\"key\":\"k\",\"status\":\"running\"}")).crewHubStatus())
                .isEqualTo(SseSession.ACTIVE);
        assertThat(new SseSession("local", row("{\"key\":\"k\",\"hasActiveRun\":true}")).crewHubStatus())
                .isEqualTo(SseSession.ACTIVE);
        assertThat(new SseSession("local", row("{\"key\":\"k\"}")).crewHubStatus()).isEqualTo(SseSession.IDLE);
    }

    @Test
    void theActivityDecidesOverTheRowsRunStatus() {
        SseSession session = new SseSession("local", row("{\"key\":\"agent:main:main\",\"status\":\"running\"}"),
                SseActivity.of(activity(ActivityState.IDLE, null, null, null, null)));

        assertThat(session.crewHubStatus()).isEqualTo(SseSession.IDLE);
    }

    @Test
    void aRunningToolIsCrewHubsActivityDetailAndToolNameAndRoundTrips() {
        SseSession session = new SseSession("local", row("{\"key\":\"agent:main:main\",\"status\":\"running\"}"),
                SseActivity.of(activity(ActivityState.RUNNING_TOOL, "r1", "exec", 2L, null)));
        ObjectNode json = json(session);

        assertThat(json.get("status").asString()).isEqualTo(SseSession.ACTIVE);
        assertThat(json.get("activityDetail").asString()).isEqualTo("Running tool: exec");
        assertThat(json.get("activityToolName").asString()).isEqualTo("exec");
        assertThat(json.get("activity").get("state").asString()).isEqualTo("running-tool");
        assertThat(ContractJson.mapper().treeToValue(json, SseSession.class)).isEqualTo(session);
    }

    @Test
    void anErrorIsNamedByItsKindAndHasNoToolName() {
        ObjectNode json = json(new SseSession("local", row("{\"key\":\"agent:main:main\"}"),
                SseActivity.of(activity(ActivityState.ERROR, null, null, null,
                        new ActivityError("rate_limit", 5L, "r1", null)))));

        assertThat(json.get("activityDetail").asString()).isEqualTo("Error: rate_limit");
        assertThat(json.has("activityToolName")).isFalse();
        assertThat(json.get("status").asString()).isEqualTo(SseSession.IDLE);
    }

    @Test
    void onlyALinkThatIsGoneCountsAsDownConnectingDoesNot() {
        assertThat(java.util.Arrays.stream(UpstreamState.values()).filter(UpstreamState::linkDown))
                .containsExactlyInAnyOrder(UpstreamState.DISCONNECTED, UpstreamState.AUTH_FAILED,
                        UpstreamState.UNREACHABLE);
    }

    @Test
    void anAgentKeySplitsAtItsFirstSlashAndAKeyWithoutBothPartsIsRefused() {
        assertThat(io.crewstream.schemas.records.AgentState.Key.parse("local/team/reviewer"))
                .isEqualTo(new io.crewstream.schemas.records.AgentState.Key("local", "team/reviewer"));
        assertThatThrownBy(() -> io.crewstream.schemas.records.AgentState.Key.parse("local/"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> io.crewstream.schemas.records.AgentState.Key.parse("local"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static SessionActivity activity(ActivityState state, String runId, String toolName, Long tools,
            ActivityError error) {
        return new SessionActivity(SchemaVersion.CURRENT, "local", "agent:main:main", "main", state, 1L, runId,
                toolName, tools, error, null, 1L, 1L);
    }

    private static AgentInfo agent(String id) {
        return new AgentInfo(id, null, null, null, null, null, null);
    }

    private static SessionRow row(String json) {
        return SessionRow.of((ObjectNode) ContractJson.mapper().readTree(json));
    }

    private static ObjectNode json(SseSession session) {
        JsonNode tree = ContractJson.mapper().valueToTree(session);
        return (ObjectNode) tree;
    }
}

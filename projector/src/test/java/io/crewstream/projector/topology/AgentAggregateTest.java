package io.crewstream.projector.topology;

import java.util.List;

import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.records.ActivityError;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.AgentTool;
import io.crewstream.schemas.records.SessionActivity;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How an agent's row follows from its gateway's list and its sessions' activity. */
class AgentAggregateTest {

    private static final String C1 = "gw-one";

    private static final AgentList LIST = AgentList.of(C1, "main", null,
            List.of(new AgentInfo("main", "Main", "Clawd", null, null, null, "model-a")), 1);

    @Test
    void statusIsTheBusiestOfItsSessions() {
        assertThat(status()).isEqualTo(ActivityState.IDLE);
        assertThat(status(idle("a"), failed("b", 10))).isEqualTo(ActivityState.ERROR);
        assertThat(status(failed("a", 10), thinking("b"))).isEqualTo(ActivityState.THINKING);
        assertThat(status(thinking("a"), tool("b", "exec", 5), failed("c", 10))).isEqualTo(ActivityState.RUNNING_TOOL);
    }

    @Test
    void sessionsAreCountedByActivityAndOneWithoutActivityIsIdle() {
        AgentState row = of(LIST, session("a", null), idle("b"), thinking("c"), tool("d", "exec", 5), tool("e", "read", 6),
                failed("f", 10));

        assertThat(row.sessions()).isEqualTo(new AgentSessionCounts(6L, 2L, 1L, 2L, 1L));
    }

    @Test
    void currentToolIsTheMostRecentlyStartedOne() {
        AgentState row = of(LIST, tool("a", "exec", 5), tool("b", "read", 9), tool("c", "write", 7));

        assertThat(row.currentTool()).isEqualTo(new AgentTool("b", "read", 9L));
    }

    @Test
    void lastErrorIsTheLatestOfItsSessionsAndNamesTheSession() {
        AgentState row = of(LIST, failed("a", 10), idleAfterError("b", 30), failed("c", 20));

        assertThat(row.lastError()).isEqualTo(new ActivityError("timeout", 30L, "run-b", "b"));
    }

    @Test
    void listedAgentTakesItsInfoAndDefaultFromTheList() {
        AgentState row = of(LIST);

        assertThat(row.listed()).isTrue();
        assertThat(row.isDefault()).isTrue();
        assertThat(row.agent().displayName()).isEqualTo("Clawd");
        assertThat(row.mainSessionKey()).isEqualTo("agent:main:main");
        assertThat(row.sessions()).isEqualTo(AgentSessionCounts.NONE);
    }

    @Test
    void agentWithSessionsButNotListedIsUnlistedWithItsIdOnly() {
        AgentState row = AgentAggregate.of(C1, "scout", LIST, List.of(idle("a")), 1, 1);

        assertThat(row.listed()).isFalse();
        assertThat(row.isDefault()).isFalse();
        assertThat(row.agent()).isEqualTo(new AgentInfo("scout", null, null, null, null, null, null));
    }

    @Test
    void agentNeitherListedNorWithSessionsHasNoRow() {
        assertThat(AgentAggregate.of(C1, "scout", LIST, List.of(), 1, 1)).isNull();
        assertThat(AgentAggregate.of(C1, "main", null, List.of(), 1, 1)).as("no list yet").isNull();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private static AgentState of(AgentList list, AgentAggregate.AgentSession... sessions) {
        return AgentAggregate.of(C1, "main", list, List.of(sessions), 1, 1);
    }

    private static ActivityState status(AgentAggregate.AgentSession... sessions) {
        return of(LIST, sessions).status();
    }

    private static AgentAggregate.AgentSession session(String key, SessionActivity activity) {
        return new AgentAggregate.AgentSession(key, activity);
    }

    private static AgentAggregate.AgentSession idle(String key) {
        return session(key, activity(key, ActivityState.IDLE, 1, null, null, null));
    }

    private static AgentAggregate.AgentSession thinking(String key) {
        return session(key, activity(key, ActivityState.THINKING, 1, "run-" + key, null, null));
    }

    private static AgentAggregate.AgentSession tool(String key, String tool, long since) {
        return session(key, activity(key, ActivityState.RUNNING_TOOL, since, "run-" + key, tool, null));
    }

    private static AgentAggregate.AgentSession failed(String key, long at) {
        return session(key, activity(key, ActivityState.ERROR, at, null, null,
                new ActivityError("timeout", at, "run-" + key, null)));
    }

    private static AgentAggregate.AgentSession idleAfterError(String key, long at) {
        return session(key, activity(key, ActivityState.IDLE, at + 1, null, null,
                new ActivityError("timeout", at, "run-" + key, null)));
    }

    private static SessionActivity activity(String key, ActivityState state, long since, String runId, String tool,
            ActivityError lastError) {
        return new SessionActivity(SchemaVersion.CURRENT, C1, key, "main", state, since, runId, tool,
                tool == null ? null : 1L, lastError, null, 1L, since);
    }
}

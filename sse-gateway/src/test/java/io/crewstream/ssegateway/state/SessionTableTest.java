package io.crewstream.ssegateway.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.testsupport.time.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SessionTableTest {

    private final List<TableChange> told = new ArrayList<>();

    private final TableListener listener = new TableListener() {

        @Override
        public void onLoaded(SessionTable table) {
        }

        @Override
        public void onChange(TableChange change) {
            SessionTableTest.this.told.add(change);
        }
    };

    private static TableRecord upsert(int partition, long offset, String key) {
        var fields = ContractJson.mapper().createObjectNode().put("key", key).put("updatedAt", offset);
        SessionState state = SessionState.of("home", ChangeType.UPDATED, 1, 0, SessionRow.of(fields));
        return TableRecord.session(partition, offset, state.key(), state);
    }

    private static TableRecord tombstone(int partition, long offset, String key) {
        return TableRecord.session(partition, offset, new SessionStateKey("home", key), null);
    }

    /** A position with these session offsets, this one connection offset, and one empty partition of the others. */
    private static Position at(long[] sessions, long connection) {
        return Position.of(sessions, new long[] { connection }, new long[] { 0 }, new long[] { 0 });
    }

    private static void apply(SessionTable table, TableRecord... records) {
        table.apply(List.of(records), null);
    }

    private SessionTable loadedTable(int changeLogSize) {
        SessionTable table = new SessionTable(this.listener, changeLogSize, java.time.Clock.systemUTC());
        Position beginning = at(new long[] { 0, 0 }, 0);
        table.start(beginning, beginning);
        table.markLoaded();
        return table;
    }

    @Test
    void aRestatedConnectionStatusIsKeptAndTimedButIsNotAChange() {
        MovableClock clock = new MovableClock(Instant.ofEpochMilli(1_000));
        SessionTable table = new SessionTable(this.listener, 10, clock);
        Position beginning = at(new long[] { 0, 0 }, 0);
        table.start(beginning, beginning);
        table.markLoaded();
        ConnectionState first = ConnectionState.of("home", UpstreamState.CONNECTED, null, null, 500, "2026.9.6", 900L,
                500L, 2, "ws://127.0.0.1:18789", 950, 5_000L);
        ConnectionState restated = ConnectionState.of("home", UpstreamState.CONNECTED, null, null, 500, "2026.9.6",
                5_900L, 500L, 2, "ws://127.0.0.1:18789", 5_950, 5_000L);
        ConnectionState changed = ConnectionState.of("home", UpstreamState.CONNECTED, null, null, 500, "2026.9.6",
                6_900L, 500L, 3, "ws://127.0.0.1:18789", 6_950, 5_000L);

        apply(table, TableRecord.connection(0, 0, "home", first));
        clock.at(6_000);
        apply(table, TableRecord.connection(0, 1, "home", restated));

        assertThat(this.told).extracting(TableChange::kind).containsExactly(TableChange.Kind.GATEWAY_CHANGED);
        assertThat(table.connectionsReceived()).singleElement().satisfies(received -> {
            assertThat(received.state()).isEqualTo(restated);
            assertThat(received.receivedAt()).isEqualTo(6_000);
        });
        assertThat(table.changesSince(Position.parse("v2.0-0.1.0.0").orElseThrow())).as("not kept for resume")
                .hasValueSatisfying(changes -> assertThat(changes).isEmpty());

        apply(table, TableRecord.connection(0, 2, "home", changed));
        assertThat(this.told).hasSize(2);
    }

    @Test
    void createdUpdatedAndRemovedAreDecidedByWhatTheTableHeld() {
        SessionTable table = loadedTable(10);
        apply(table, upsert(0, 0, "a"), upsert(0, 1, "a"), tombstone(0, 2, "a"), tombstone(0, 3, "never"));
        assertThat(this.told).extracting(TableChange::kind).containsExactly(TableChange.Kind.SESSION_CREATED,
                TableChange.Kind.SESSION_UPDATED, TableChange.Kind.SESSION_REMOVED);
        assertThat(table.position().token()).as("the no-op tombstone still advances").isEqualTo("v2.4-0.0.0.0");
    }

    @Test
    void positionCoversOffsetsWithoutRecordsSuchAsTransactionMarkers() {
        SessionTable table = loadedTable(10);
        table.apply(List.of(upsert(0, 0, "a")), at(new long[] { 2, 5 }, 1));
        assertThat(table.position().token()).isEqualTo("v2.2-5.1.0.0");
        assertThat(table.changesSince(table.position())).hasValueSatisfying(changes -> assertThat(changes).isEmpty());
    }

    @Test
    void changesSinceATokenAreExactlyTheLaterRecordsOfEachPartition() {
        SessionTable table = loadedTable(10);
        apply(table, upsert(0, 0, "a"), upsert(1, 0, "b"));
        Position token = table.position();
        apply(table, upsert(1, 1, "c"), upsert(0, 1, "a"));
        assertThat(table.changesSince(token)).hasValueSatisfying(changes -> assertThat(changes)
                .extracting(change -> change.sessionKey().sessionKey()).containsExactly("c", "a"));
        assertThat(table.changesSince(table.position())).hasValueSatisfying(changes -> assertThat(changes).isEmpty());
    }

    @Test
    void tokenBeyondTheRetainedChangesOrAheadOfThisInstanceCannotBeAnswered() {
        SessionTable table = loadedTable(2);
        apply(table, upsert(0, 0, "a"));
        Position old = table.position();
        apply(table, upsert(0, 1, "b"), upsert(0, 2, "c"), upsert(0, 3, "d"));
        assertThat(table.changesSince(old)).isEmpty();
        assertThat(table.changesSince(at(new long[] { 99, 0 }, 0))).isEmpty();
        assertThat(table.changesSince(at(new long[] { 0 }, 0))).as("other shape").isEmpty();
        assertThat(table.changesSince(at(new long[] { 2, 0 }, 0))).isPresent();
    }

    @Test
    void removalIsObservedAtItsTombstoneRecordTimestamp() {
        SessionTable table = loadedTable(10);
        apply(table, upsert(0, 0, "a"), TableRecord.session(0, 1, new SessionStateKey("home", "a"), null, 1_234L));
        assertThat(this.told).last().satisfies(change -> {
            assertThat(change.kind()).isEqualTo(TableChange.Kind.SESSION_REMOVED);
            assertThat(change.observedAt()).isEqualTo(1_234L);
        });
    }

    private static SessionActivity activity(String key, ActivityState state, String toolName, long revision) {
        return new SessionActivity(SchemaVersion.CURRENT, "home", key, null, state, 1_000L,
                state.busy() ? "run-1" : null, toolName, toolName != null ? 1L : null, null, null, revision,
                1_000L + revision);
    }

    private static TableRecord activityRecord(long offset, SessionActivity activity) {
        return TableRecord.activity(0, offset, activity.key(), activity, 5_000L + offset);
    }

    private static AgentState agent(String id, ActivityState status, long revision) {
        return new AgentState(SchemaVersion.CURRENT, "home", id, new AgentInfo(id, null, null, null, null, null, null),
                true, false, "agent:" + id + ":main", status, AgentSessionCounts.NONE, null, null, revision,
                2_000L + revision);
    }

    private static TableRecord agentRecord(long offset, String id, AgentState agent) {
        return TableRecord.agent(0, offset, "home", id, agent, 7_000L + offset);
    }

    @Test
    void anActivityChangeOfAKnownSessionIsAnUpdateOfTheWholeSessionAndARestatementIsNone() {
        SessionTable table = loadedTable(10);
        apply(table, upsert(0, 0, "a"), activityRecord(0, activity("a", ActivityState.THINKING, null, 1)));
        assertThat(this.told).last().satisfies(change -> {
            assertThat(change.kind()).isEqualTo(TableChange.Kind.SESSION_UPDATED);
            assertThat(change.session().session().key()).isEqualTo("a");
            assertThat(change.activity().state()).isEqualTo(ActivityState.THINKING);
            assertThat(change.observedAt()).as("the activity record's time").isEqualTo(5_000L);
        });

        apply(table, activityRecord(1, activity("a", ActivityState.THINKING, null, 2)));
        assertThat(this.told).as("same state, only revision and time moved").hasSize(2);
        assertThat(table.activity(new SessionStateKey("home", "a")).revision()).as("kept").isEqualTo(2);

        apply(table, activityRecord(2, activity("a", ActivityState.RUNNING_TOOL, "exec", 3)), upsert(0, 1, "a"));
        assertThat(this.told).hasSize(4);
        assertThat(this.told.get(2).activity().toolName()).isEqualTo("exec");
        assertThat(this.told.get(3).activity().toolName()).as("a row change carries the activity").isEqualTo("exec");
        assertThat(table.changesSince(at(new long[] { 0, 0 }, 0))).as("activity changes are kept for resume")
                .hasValueSatisfying(changes -> assertThat(changes).hasSize(4));
    }

    @Test
    void activityOfASessionNotInTheTableYetIsKeptAndGoesOutWithItsRow() {
        SessionTable table = loadedTable(10);
        apply(table, activityRecord(0, activity("a", ActivityState.RUNNING_TOOL, "exec", 1)));
        assertThat(this.told).isEmpty();

        apply(table, upsert(0, 0, "a"));
        assertThat(this.told).singleElement().satisfies(change -> {
            assertThat(change.kind()).isEqualTo(TableChange.Kind.SESSION_CREATED);
            assertThat(change.activity().toolName()).isEqualTo("exec");
        });
    }

    @Test
    void aSessionTombstoneDropsItsActivity() {
        SessionTable table = loadedTable(10);
        apply(table, upsert(0, 0, "a"), activityRecord(0, activity("a", ActivityState.THINKING, null, 1)),
                tombstone(0, 1, "a"));
        assertThat(table.activity(new SessionStateKey("home", "a"))).isNull();

        apply(table, upsert(0, 2, "a"));
        assertThat(this.told).last().satisfies(change -> {
            assertThat(change.kind()).isEqualTo(TableChange.Kind.SESSION_CREATED);
            assertThat(change.activity()).as("the removed session's activity is not the new one's").isNull();
        });
        apply(table, TableRecord.activity(0, 1, new SessionStateKey("home", "a"), null, null));
        assertThat(this.told).as("the tombstone of an activity the table no longer had").hasSize(4);
    }

    @Test
    void agentsAreToldWhenNewChangedOrRemovedButNotWhenRestatedAndAreNotKeptForResume() {
        SessionTable table = loadedTable(10);
        Position before = table.position();
        apply(table, agentRecord(0, "main", agent("main", ActivityState.IDLE, 1)),
                agentRecord(1, "dev", agent("dev", ActivityState.IDLE, 1)),
                agentRecord(2, "main", agent("main", ActivityState.IDLE, 2)),
                agentRecord(3, "main", agent("main", ActivityState.THINKING, 3)),
                agentRecord(4, "dev", null), agentRecord(5, "never", null));

        assertThat(this.told).extracting(TableChange::kind).containsExactly(TableChange.Kind.AGENT_UPDATED,
                TableChange.Kind.AGENT_UPDATED, TableChange.Kind.AGENT_UPDATED, TableChange.Kind.AGENT_REMOVED);
        assertThat(this.told.get(2).agent().status()).isEqualTo(ActivityState.THINKING);
        assertThat(this.told.get(3)).satisfies(removed -> {
            assertThat(removed.agentId()).isEqualTo("dev");
            assertThat(removed.agentsAfter()).extracting(AgentState::agentId).containsExactly("main");
            assertThat(removed.observedAt()).isEqualTo(7_004L);
        });
        assertThat(table.agents()).extracting(AgentState::revision).containsExactly(3L);
        assertThat(table.changesSince(before)).hasValueSatisfying(changes -> assertThat(changes).isEmpty());
        assertThat(table.position().offset(TableTopic.AGENTS, 0)).isEqualTo(6);
    }

    @Test
    void aTokenFromBeforeTheActivityAndAgentTablesCannotBeAnsweredExactly() {
        SessionTable table = loadedTable(10);
        apply(table, upsert(0, 0, "a"));
        assertThat(table.changesSince(Position.parse("v1.0-0.0").orElseThrow())).isEmpty();
    }
}

package io.crewstream.ssegateway.state;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.ConnectionState;
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

    private static void apply(SessionTable table, TableRecord... records) {
        table.apply(List.of(records), null);
    }

    private SessionTable loadedTable(int changeLogSize) {
        SessionTable table = new SessionTable(this.listener, changeLogSize, java.time.Clock.systemUTC());
        Position beginning = Position.of(new long[] { 0, 0 }, new long[] { 0 });
        table.start(beginning, beginning);
        table.markLoaded();
        return table;
    }

    @Test
    void aRestatedConnectionStatusIsKeptAndTimedButIsNotAChange() {
        MovableClock clock = new MovableClock(Instant.ofEpochMilli(1_000));
        SessionTable table = new SessionTable(this.listener, 10, clock);
        Position beginning = Position.of(new long[] { 0, 0 }, new long[] { 0 });
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
        assertThat(table.changesSince(Position.parse("v1.0-0.1").orElseThrow())).as("not kept for resume")
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
        assertThat(table.position().token()).as("the no-op tombstone still advances").isEqualTo("v1.4-0.0");
    }

    @Test
    void positionCoversOffsetsWithoutRecordsSuchAsTransactionMarkers() {
        SessionTable table = loadedTable(10);
        table.apply(List.of(upsert(0, 0, "a")), Position.of(new long[] { 2, 5 }, new long[] { 1 }));
        assertThat(table.position().token()).isEqualTo("v1.2-5.1");
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
        assertThat(table.changesSince(Position.of(new long[] { 99, 0 }, new long[] { 0 }))).isEmpty();
        assertThat(table.changesSince(Position.of(new long[] { 0 }, new long[] { 0 }))).as("other shape").isEmpty();
        assertThat(table.changesSince(Position.of(new long[] { 2, 0 }, new long[] { 0 }))).isPresent();
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
}

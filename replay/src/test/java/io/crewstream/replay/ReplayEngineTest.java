package io.crewstream.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.crewstream.replay.kafka.ReplaySource;
import io.crewstream.replay.support.Timeline;
import io.crewstream.replay.table.ConnectionTableAt;
import io.crewstream.replay.table.FieldChange;
import io.crewstream.replay.table.HistoryEntry;
import io.crewstream.replay.table.SessionHistory;
import io.crewstream.replay.table.TableDiff;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.crewstream.replay.support.Events.chunk;
import static io.crewstream.replay.support.Events.removal;
import static io.crewstream.replay.support.Events.row;
import static io.crewstream.replay.support.Events.snapshot;
import static io.crewstream.replay.support.Events.status;
import static io.crewstream.replay.support.Events.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The replay engine on a real broker, over a timeline whose every instant the test set: the table at chosen
 * instants, what changed between two, one session's history, the frames of a window, and every refusal.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayEngineTest {

    private static final String A = "gw-a";
    private static final String B = "gw-b";
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    private Timeline timeline;
    private Replay replay;

    private static Instant t(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @BeforeAll
    void writeTimeline(KafkaBroker broker) {
        this.timeline = Timeline.create(broker, "replay-engine");
        this.timeline.known(A);
        this.timeline.known(B);
        this.timeline.status(t(0), status(A, UpstreamState.CONNECTED));
        // The ingestor restates an unchanged status every few seconds: a history lists changes, not these.
        this.timeline.status(t(2), status(A, UpstreamState.CONNECTED));
        this.timeline.event(t(1), snapshot(A, "s1", row("a", "running"), row("b", "running")));
        this.timeline.event(t(5), snapshot(B, "x1", row("x", "running")));
        this.timeline.frame(t(10), A, "sessions.changed", 11L, "{\"type\":\"event\",\"event\":\"sessions.changed\","
                + "\"payload\":{\"sessionKey\":\"a\"},\"seq\":11}");
        this.timeline.event(t(10), upsert(A, row("a", "done"), 11));
        this.timeline.event(t(15), upsert(B, row("x", "done"), 3));
        this.timeline.frame(t(20), A, "sessions.changed", 12L, "{\"type\":\"event\",\"event\":\"sessions.changed\","
                + "\"payload\":{\"sessionKey\":\"b\",\"reason\":\"delete\"},\"seq\":12}");
        this.timeline.event(t(20), removal(A, "b", 12));
        this.timeline.status(t(30), status(A, UpstreamState.UNREACHABLE));
        this.timeline.status(t(35), status(A, UpstreamState.UNREACHABLE));
        this.timeline.status(t(40), status(A, UpstreamState.CONNECTED));
        this.timeline.status(t(45), status(A, UpstreamState.CONNECTED));
        this.timeline.frame(t(41), A, null, null, "{\"type\":\"res\",\"ok\":true,\"payload\":{\"sessions\":"
                + "[{\"key\":\"a\"},{\"key\":\"c\"}]}}");
        this.timeline.event(t(41), snapshot(A, "s2", row("a", "done"), row("c", "queued")));
        // Three hours without a snapshot: the search for one has to look back further and further.
        this.timeline.event(t(3 * 3600), upsert(A, row("c", "running"), 20));
        this.replay = new Replay(new ReplaySource(broker.bootstrapServers(), this.timeline.namespace()));
    }

    @AfterAll
    void close() {
        this.timeline.close();
    }

    private ConnectionTableAt tableOf(Instant at, String connection) {
        List<ConnectionTableAt> tables = this.replay.stateAt(at, connection);
        assertThat(tables).hasSize(1);
        return tables.get(0);
    }

    private static Map<String, String> statuses(ConnectionTableAt table) {
        return table.sessions().entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().status()));
    }

    @Test
    void theTableBeforeTheFirstSnapshotIsEmptyAndExact() {
        ConnectionTableAt table = tableOf(t(-60), A);
        assertThat(table.sessions()).isEmpty();
        assertThat(table.exact()).isTrue();
        assertThat(table.status()).isNull();
    }

    @Test
    void theTableAtEachInstantIsWhatTheEventsUpToItMade() {
        assertThat(statuses(tableOf(t(15), A))).isEqualTo(Map.of("a", "done", "b", "running"));
        assertThat(statuses(tableOf(t(20), A))).as("right after the removal").isEqualTo(Map.of("a", "done"));
        ConnectionTableAt outage = tableOf(t(35), A);
        assertThat(statuses(outage)).as("during the outage the sessions stay").isEqualTo(Map.of("a", "done"));
        assertThat(outage.status().state()).isEqualTo(UpstreamState.UNREACHABLE);
        ConnectionTableAt after = tableOf(t(3600), A);
        assertThat(statuses(after)).isEqualTo(Map.of("a", "done", "c", "queued"));
        assertThat(after.status().state()).isEqualTo(UpstreamState.CONNECTED);
        assertThat(after.basis().snapshotId()).isEqualTo("s2");
    }

    @Test
    void theNearestSnapshotIsFoundHoursBack() {
        ConnectionTableAt table = tableOf(t(3 * 3600 + 1), A);
        assertThat(statuses(table)).isEqualTo(Map.of("a", "done", "c", "running"));
        assertThat(table.basis().snapshotId()).isEqualTo("s2");
    }

    @Test
    void aStrayChunkOfAnotherSnapshotDoesNotHideTheSnapshotItInterrupts(KafkaBroker broker) {
        try (Timeline interleaved = Timeline.create(broker, "replay-stray-chunk")) {
            interleaved.known(A);
            interleaved.event(t(1), snapshot(A, "old", row("a", "running")));
            interleaved.event(t(100), chunk(A, "new", 0, 2, 2, row("b", "running")));
            // A late chunk of a snapshot whose writer gave up: the projector drops it and keeps collecting "new".
            interleaved.event(t(101), chunk(A, "abandoned", 1, 3, 5, row("z", "running")));
            interleaved.event(t(102), chunk(A, "new", 1, 2, 2, row("c", "queued")));
            Replay replay = new Replay(new ReplaySource(broker.bootstrapServers(), interleaved.namespace()));

            ConnectionTableAt table = replay.stateAt(t(102), A).get(0);

            assertThat(statuses(table)).isEqualTo(Map.of("b", "running", "c", "queued"));
            assertThat(table.basis().snapshotId()).isEqualTo("new");
        }
    }

    @Test
    void everyGatewayIsRebuiltWhenNoneIsNamed() {
        List<ConnectionTableAt> tables = this.replay.stateAt(t(16), null);
        assertThat(tables).extracting(ConnectionTableAt::connectionId).containsExactly(A, B);
        assertThat(statuses(tables.get(1))).isEqualTo(Map.of("x", "done"));
    }

    @Test
    void aDiffListsCreatedRemovedAndTheChangedFieldsOfUpdatedSessions() {
        TableDiff diff = this.replay.diff(t(5), t(45), A);
        assertThat(diff.sessions()).extracting(d -> d.sessionKey() + " " + d.kind().wireName())
                .containsExactly("a updated", "b removed", "c created");
        assertThat(diff.sessions().get(0).fields()).extracting(FieldChange::describe)
                .containsExactly("status: running → done");
        assertThat(diff.connections()).as("connected at both instants").isEmpty();
        assertThat(this.replay.diff(t(25), t(35), A).connections())
                .extracting(c -> c.before() + " -> " + c.after()).containsExactly("CONNECTED -> UNREACHABLE");
    }

    @Test
    void aSessionsHistoryInterleavesItsChangesTheFramesThatNameItAndStatusChangesButNotTheirRestatements() {
        SessionHistory history = this.replay.history(A, "b", t(0), t(60));
        assertThat(history.initial()).isNull();
        List<String> lines = new ArrayList<>();
        for (HistoryEntry entry : history.entries()) {
            if (entry instanceof HistoryEntry.Change change) {
                lines.add(change.change().kind().wireName() + " by " + change.change().cause().describe());
            }
            else if (entry instanceof HistoryEntry.Frame frame) {
                lines.add("frame seq " + frame.frame().seq() + (frame.cause() ? " (cause)" : ""));
            }
            else if (entry instanceof HistoryEntry.Status status) {
                lines.add("status " + status.status().state().wireName());
            }
        }
        assertThat(lines).containsExactly("created by snapshot s1 (reconciliation)", "frame seq 12 (cause)",
                "removed by delta delete, frame seq 12", "status unreachable", "status connected");
    }

    @Test
    void changesAreListedOneByOneInOrder() {
        assertThat(this.replay.changes(A, t(0), t(60), 100)).extracting(c -> c.sessionKey() + " "
                + c.kind().wireName()).containsExactly("a created", "b created", "a updated", "b removed",
                        "c created");
        assertThat(this.replay.changes(A, t(0), t(60), 2)).hasSize(2);
    }

    @Test
    void framesOfAWindowComeInOrderAndCanBeNarrowedToOneSession() {
        List<Long> seqs = new ArrayList<>();
        this.replay.frames(A, t(5), t(25), null, frame -> seqs.add(frame.decode().seq()));
        assertThat(seqs).containsExactly(11L, 12L);
        List<String> texts = new ArrayList<>();
        this.replay.frames(A, t(0), null, "c", frame -> texts.add(frame.decode().text()));
        assertThat(texts).hasSize(1).allSatisfy(text -> assertThat(text).contains("\"c\""));
        List<Long> first = new ArrayList<>();
        this.replay.frames(A, t(0), null, null, frame -> first.add(frame.offset()) && false);
        assertThat(first).as("the sink stops the replay").hasSize(1);
    }

    @Test
    void anUnknownConnectionIsRefusedWithTheKnownOnes() {
        assertThatThrownBy(() -> this.replay.stateAt(t(10), "gw-z")).isInstanceOf(ReplayException.class)
                .hasMessage("no gateway connection 'gw-z'; known: gw-a, gw-b");
        assertThatThrownBy(() -> this.replay.frames("gw-z", t(0), null, null, frame -> true))
                .hasMessageContaining("known: gw-a, gw-b");
    }

    @Test
    void anEndBeforeItsStartIsRefused() {
        assertThatThrownBy(() -> this.replay.diff(t(10), t(5), A)).isInstanceOf(ReplayException.class)
                .extracting(ex -> ((ReplayException) ex).reason()).isEqualTo(ReplayException.Reason.BAD_RANGE);
    }

    @Test
    void aTimeOlderThanWhatRetentionKeptIsRefusedWithTheEarliestTimeAvailable(KafkaBroker broker) throws Exception {
        try (Timeline old = Timeline.create(broker, "replay-retention")) {
            old.known(A);
            old.event(t(1), snapshot(A, "s1", row("a", "running")));
            old.event(t(10), upsert(A, row("a", "done"), 2));
            old.event(t(20), snapshot(A, "s2", row("a", "done")));
            Replay replay = new Replay(new ReplaySource(broker.bootstrapServers(), old.namespace()));
            TopicPartition partition = new TopicPartition(old.namespace().name(Topic.SESSION_EVENTS),
                    org.apache.kafka.common.utils.Utils.toPositive(org.apache.kafka.common.utils.Utils.murmur2(
                            A.getBytes(java.nio.charset.StandardCharsets.UTF_8))) % Timeline.PARTITIONS);
            try (Admin admin = Admin.create(broker.adminConfig())) {
                // What retention does after seven days: the first record is gone.
                admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(1))).all()
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            assertThatThrownBy(() -> replay.stateAt(t(5), A)).isInstanceOf(ReplayException.class)
                    .hasMessageContaining("the earliest time available is " + t(10));
            assertThat(statuses(replay.stateAt(t(25), A).get(0))).isEqualTo(Map.of("a", "done"));
        }
    }

    @Test
    void anUnreachableKafkaIsSaidToBeUnreachable() {
        Replay nowhere = new Replay(new ReplaySource("127.0.0.1:1", this.timeline.namespace(), Duration.ofSeconds(2),
                Map.of()));
        assertThatThrownBy(nowhere::connections).isInstanceOf(ReplayException.class)
                .hasMessageContaining("Kafka at 127.0.0.1:1")
                .extracting(ex -> ((ReplayException) ex).reason())
                .isEqualTo(ReplayException.Reason.KAFKA_UNAVAILABLE);
    }
}

package io.crewstream.projector.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.SnapshotRequest;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.crewstream.projector.SessionRows.row;
import static io.crewstream.projector.SessionRows.snapshot;
import static io.crewstream.projector.topology.ProjectorDriver.input;
import static io.crewstream.projector.topology.ProjectorDriver.output;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The verification rule, one test each, on the real topology in {@link TopologyTestDriver}: a sessions-verified marker
 * is compared with the session table exactly when the table has applied the session-events record at the marker's
 * offset and none after it. Offsets are the driver's: each topic's records are numbered from 0 as they are piped.
 */
class SessionVerificationTopologyTest {

    private static final String C1 = "gw-one";
    private static final Instant NOW = Instant.parse("2026-12-02T18:00:00Z");

    @TempDir
    Path stateDir;

    private final MeterRegistry meterRegistry = new SimpleMeterRegistry();

    private TopologyTestDriver driver;
    private TestInputTopic<String, SessionEvent> sessionEvents;
    private TestInputTopic<String, SessionsVerified> markers;
    private TestInputTopic<String, byte[]> rawMarkers;
    private TestInputTopic<String, ConnectionStatusEvent> connectionStatus;
    private TestOutputTopic<String, ConnectionState> connectionState;
    private TestOutputTopic<String, SnapshotRequest> snapshotRequests;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void startDriver() {
        this.driver = ProjectorDriver.start("verify-spec", this.stateDir, this.meterRegistry, Duration.ofSeconds(30),
                NOW);
        this.sessionEvents = input(this.driver, Topic.SESSION_EVENTS, ContractSerdes.sessionEvents());
        this.markers = input(this.driver, Topic.SESSION_VERIFICATIONS, ContractSerdes.sessionVerifications());
        this.rawMarkers = input(this.driver, Topic.SESSION_VERIFICATIONS, new ByteArraySerializer());
        this.connectionStatus = input(this.driver, Topic.CONNECTION_STATUS, ContractSerdes.connectionStatus());
        this.connectionState = output(this.driver, Topic.CONNECTION_STATE, ContractSerdes.connectionState());
        this.snapshotRequests = output(this.driver, Topic.SNAPSHOT_REQUESTS, ContractSerdes.snapshotRequests());
        this.deadLetters = output(this.driver, Topic.DEAD_LETTERS, ContractSerdes.deadLetters());
        this.connectionStatus.pipeInput(C1, ConnectionStatusEvent.of(C1, UpstreamState.CONNECTED, null, null, 100,
                "2026.2.1", null, "ws://gateway", 100));
    }

    @AfterEach
    void closeDriver() {
        this.driver.close();
    }

    @Test
    void aMarkerThatAgreesWithTheTableRepublishesTheConnectionRowWithLastVerifiedAt() {
        this.sessionEvents.pipeInput(C1, snapshot(C1, "s1", 200, row("a", "running"), row("b", "idle")));
        this.connectionState.readValuesToList();

        this.markers.pipeInput(C1, marker(0, 900, row("a", "running"), row("b", "idle")));

        List<TestRecord<String, ConnectionState>> rows = this.connectionState.readRecordsToList();
        assertThat(rows).singleElement().satisfies(row -> {
            assertThat(row.key()).isEqualTo(C1);
            assertThat(row.value().lastVerifiedAt()).isEqualTo(900L);
            assertThat(row.value().sessionCount()).isEqualTo(2);
            assertThat(row.value().state()).isEqualTo(UpstreamState.CONNECTED);
            assertThat(CloudEvents.readFrom(row.headers()).orElseThrow().type())
                    .isEqualTo(CloudEventType.CONNECTION_STATE);
        });
        assertThat(this.snapshotRequests.isEmpty()).isTrue();
        assertThat(outcomes()).contains(entry("agreed", 1L), entry("disagreed", 0L));
    }

    @Test
    void aLaterRowOfTheConnectionKeepsItsLastVerifiedAt() {
        this.sessionEvents.pipeInput(C1, snapshot(C1, "s1", 200, row("a", "running")));
        this.markers.pipeInput(C1, marker(0, 900, row("a", "running")));
        this.connectionState.readValuesToList();

        this.sessionEvents.pipeInput(C1, SessionUpserted.of(C1, "create", 5L, 950, row("b", "idle")));

        assertThat(this.connectionState.readValuesToList()).last().satisfies(row -> {
            assertThat(row.sessionCount()).isEqualTo(2);
            assertThat(row.lastVerifiedAt()).isEqualTo(900L);
        });
    }

    @Test
    void aMarkerThatDisagreesWithTheTableAsksTheIngestorForATableMismatchSnapshot() {
        this.sessionEvents.pipeInput(C1, snapshot(C1, "s1", 200, row("a", "running"), row("b", "idle")));
        // Tampered: a removal the gateway never made (the marker says "b" is still there).
        this.sessionEvents.pipeInput(C1, SessionRemoved.of(C1, "b", "delete", 7L, 300));
        this.connectionState.readValuesToList();

        this.markers.pipeInput(C1, marker(1, 900, row("a", "running"), row("b", "idle")));

        List<TestRecord<String, SnapshotRequest>> requests = this.snapshotRequests.readRecordsToList();
        assertThat(requests).singleElement().satisfies(record -> {
            assertThat(record.key()).isEqualTo(C1);
            SnapshotRequest request = record.value();
            assertThat(request.connectionId()).isEqualTo(C1);
            assertThat(request.reason()).isEqualTo(SnapshotReason.TABLE_MISMATCH.wireName());
            assertThat(request.requestedBy()).isEqualTo(SnapshotRequest.PROJECTOR);
            assertThat(request.requestedAt()).isEqualTo(NOW.toEpochMilli());
            assertThat(request.detail()).contains("table has 1 sessions", "listed 2",
                    digest(row("a", "running")).value(), digest(row("a", "running"), row("b", "idle")).value());
            CloudEvents attributes = CloudEvents.readFrom(record.headers()).orElseThrow();
            assertThat(attributes.type()).isEqualTo(CloudEventType.SNAPSHOT_REQUESTED);
            assertThat(attributes.source()).isEqualTo(CloudEvents.source(CloudEvents.Component.PROJECTOR, C1));
        });
        assertThat(this.connectionState.isEmpty()).as("a disagreeing table is not verified").isTrue();
        assertThat(outcomes()).contains(entry("agreed", 0L), entry("disagreed", 1L));
    }

    @Test
    void aRowLeftAtAnOlderUpdatedAtDisagrees() {
        this.sessionEvents.pipeInput(C1, snapshot(C1, "s1", 200, row("a", "running")));
        SessionRow newer = SessionRow.of(row("a", "running").fields().deepCopy().put("updatedAt", 1_700_000_000_001L));

        this.markers.pipeInput(C1, marker(0, 900, newer));

        assertThat(this.snapshotRequests.readValuesToList()).hasSize(1);
    }

    @Test
    void aMarkerAheadOfTheTableIsParkedAndCheckedRightAfterTheRecordAtItsOffsetIsApplied() {
        this.sessionEvents.pipeInput(C1, snapshot(C1, "s1", 200, row("a", "running")));
        this.connectionState.readValuesToList();

        this.markers.pipeInput(C1, marker(1, 900, row("a", "running"), row("b", "idle")));
        assertThat(this.connectionState.isEmpty()).as("not checked before its record is applied").isTrue();
        assertThat(this.snapshotRequests.isEmpty()).isTrue();

        this.sessionEvents.pipeInput(C1, SessionUpserted.of(C1, "create", 5L, 950, row("b", "idle")));

        assertThat(this.connectionState.readValuesToList()).extracting(ConnectionState::lastVerifiedAt)
                .as("the session count row, then the verified row").containsExactly(null, 900L);
        assertThat(this.snapshotRequests.isEmpty()).isTrue();
        assertThat(outcomes()).contains(entry("agreed", 1L));
    }

    @Test
    void aMarkerTheTableHasMovedPastIsSkippedUnchecked() {
        this.sessionEvents.pipeInput(C1, snapshot(C1, "s1", 200, row("a", "running")));
        this.sessionEvents.pipeInput(C1, SessionUpserted.of(C1, "create", 5L, 950, row("b", "idle")));
        this.connectionState.readValuesToList();

        // Describes the table at offset 0, which now has "b" as well: comparing would be a false alarm.
        this.markers.pipeInput(C1, marker(0, 900, row("a", "running")));

        assertThat(this.connectionState.isEmpty()).isTrue();
        assertThat(this.snapshotRequests.isEmpty()).isTrue();
        assertThat(outcomes()).contains(entry("agreed", 0L), entry("disagreed", 0L), entry("moved-on", 1L));
    }

    @Test
    void aParkedMarkerWhoseRecordNeverCameIsSkippedWhenTheTableGoesPastIt() {
        this.sessionEvents.pipeInput(C1, snapshot(C1, "s1", 200, row("a", "running")));
        this.markers.pipeInput(C1, marker(1, 900, row("a", "running")));
        this.connectionState.readValuesToList();

        // Offset 1 is a record the projector could not decode (dead-lettered): offset 2 goes past the marker.
        input(this.driver, Topic.SESSION_EVENTS, new ByteArraySerializer()).pipeInput(C1,
                "not json".getBytes(StandardCharsets.UTF_8));
        this.sessionEvents.pipeInput(C1, SessionUpserted.of(C1, "create", 5L, 950, row("b", "idle")));

        assertThat(this.snapshotRequests.isEmpty()).isTrue();
        assertThat(this.connectionState.readValuesToList()).extracting(ConnectionState::lastVerifiedAt)
                .containsOnlyNulls();
        assertThat(outcomes()).contains(entry("moved-on", 1L));
    }

    @Test
    void aNewerMarkerTakesTheParkedOnesPlace() {
        this.sessionEvents.pipeInput(C1, snapshot(C1, "s1", 200, row("a", "running")));
        this.markers.pipeInput(C1, marker(1, 900, row("a", "running"), row("b", "idle")));
        this.connectionState.readValuesToList();

        this.markers.pipeInput(C1, marker(2, 990, row("a", "running"), row("b", "idle"), row("c", "idle")));
        this.sessionEvents.pipeInput(C1, SessionUpserted.of(C1, "create", 5L, 950, row("b", "idle")));
        this.sessionEvents.pipeInput(C1, SessionUpserted.of(C1, "create", 6L, 980, row("c", "idle")));

        assertThat(this.connectionState.readValuesToList()).extracting(ConnectionState::lastVerifiedAt)
                .as("two session count rows, then the verified row").containsExactly(null, null, 990L);
        assertThat(outcomes()).contains(entry("agreed", 1L), entry("moved-on", 1L));
    }

    @Test
    void aMarkerOfAConnectionWithNoSessionEventsSinceTheStartIsSkippedAsUnknownPosition() {
        this.connectionState.readValuesToList();

        this.markers.pipeInput(C1, marker(41, 900, row("a", "running")));

        assertThat(this.connectionState.isEmpty()).isTrue();
        assertThat(this.snapshotRequests.isEmpty()).isTrue();
        assertThat(outcomes()).contains(entry("unknown-position", 1L), entry("agreed", 0L),
                entry("disagreed", 0L));
    }

    @Test
    void aMalformedMarkerIsDeadLetteredAndTheNextOneIsStillChecked() {
        this.sessionEvents.pipeInput(C1, snapshot(C1, "s1", 200, row("a", "running")));
        this.connectionState.readValuesToList();
        byte[] broken = ContractSerdes.sessionVerifications().serialize(null, marker(0, 900, row("a", "running")));
        byte[] noDigest = new String(broken, StandardCharsets.UTF_8).replace("\"digest\"", "\"digestX\"")
                .getBytes(StandardCharsets.UTF_8);

        this.rawMarkers.pipeInput(C1, noDigest);
        this.markers.pipeInput(C1, marker(0, 900, row("a", "running")));

        DeadLetter letter = this.deadLetters.readValue();
        assertThat(letter.sourceTopic()).isEqualTo(ProjectorDriver.NAMESPACE.name(Topic.SESSION_VERIFICATIONS));
        assertThat(letter.reason()).contains("digest");
        assertThat(Arrays.equals(java.util.Base64.getDecoder().decode(letter.valueBase64()), noDigest)).isTrue();
        assertThat(this.connectionState.readValuesToList()).extracting(ConnectionState::lastVerifiedAt)
                .containsExactly(900L);
    }

    private static SessionsVerified marker(long sessionEventsOffset, long observedAt, SessionRow... rows) {
        SessionsDigest digest = digest(rows);
        return SessionsVerified.of(C1, SnapshotReason.RECONCILIATION, digest.count(), digest.value(), 0,
                observedAt - 50, observedAt, sessionEventsOffset);
    }

    private static SessionsDigest digest(SessionRow... rows) {
        return SessionsDigest.of(List.of(rows));
    }

    private java.util.Map<String, Long> outcomes() {
        java.util.Map<String, Long> counts = new java.util.HashMap<>();
        this.meterRegistry.find(SessionVerifications.METRIC).counters().forEach(counter -> counts.put(
                counter.getId().getTag("outcome"), Math.round(counter.count())));
        return counts;
    }
}

package io.crewstream.projector.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.MalformedRecordException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.crewstream.projector.SessionRows.chunk;
import static io.crewstream.projector.SessionRows.row;
import static io.crewstream.projector.SessionRows.snapshot;
import static io.crewstream.projector.topology.ProjectorDriver.input;
import static io.crewstream.projector.topology.ProjectorDriver.output;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The projection rules, one test each, on the real topology and the real Streams settings (exactly-once, no cache)
 * in {@link TopologyTestDriver}.
 */
class ProjectorTopologyTest {

    private static final TopicNamespace NAMESPACE = TopicNamespace.DEFAULT;
    private static final String CONSUMER = "projector-spec";
    private static final String C1 = "gw-one";
    private static final String C2 = "gw-two";

    @TempDir
    Path stateDir;

    private final MeterRegistry meterRegistry = new SimpleMeterRegistry();

    private TopologyTestDriver driver;
    private TestInputTopic<String, SessionEvent> sessionEvents;
    private TestInputTopic<String, byte[]> rawSessionEvents;
    private TestInputTopic<String, ConnectionStatusEvent> connectionStatus;
    private TestInputTopic<String, byte[]> rawConnectionStatus;
    private TestOutputTopic<String, SessionState> sessionState;
    private TestOutputTopic<String, ConnectionState> connectionState;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void startDriver() {
        this.driver = ProjectorDriver.start(CONSUMER, this.stateDir, this.meterRegistry, Duration.ofSeconds(30),
                Instant.now());
        this.sessionEvents = input(this.driver, Topic.SESSION_EVENTS, ContractSerdes.sessionEvents());
        this.rawSessionEvents = input(this.driver, Topic.SESSION_EVENTS, new ByteArraySerializer());
        this.connectionStatus = input(this.driver, Topic.CONNECTION_STATUS, ContractSerdes.connectionStatus());
        this.rawConnectionStatus = input(this.driver, Topic.CONNECTION_STATUS, new ByteArraySerializer());
        this.sessionState = output(this.driver, Topic.SESSION_STATE, ContractSerdes.sessionState());
        this.connectionState = output(this.driver, Topic.CONNECTION_STATE, ContractSerdes.connectionState());
        this.deadLetters = output(this.driver, Topic.DEAD_LETTERS, ContractSerdes.deadLetters());
    }

    @AfterEach
    void closeDriver() {
        this.driver.close();
    }

    @Test
    void fullSnapshotUpsertsChangedRowsAndTombstonesAbsentSessionsOfThatConnectionOnly() {
        send(snapshot(C1, "s1", 100, row("a", "running"), row("b", "running"), row("c", "running")));
        send(snapshot(C2, "s1", 100, row("c", "running")));
        drainOutputs();

        send(snapshot(C1, "s2", 200, row("a", "running"), row("b", "done"), row("d", "queued")));

        assertThat(changes()).as("a unchanged, b changed, d new, c gone; gw-two untouched")
                .containsExactly("gw-one/b updated r2", "gw-one/d created r1", "gw-one/c removed");
    }

    @Test
    void chunkedSnapshotAppliesEachChunkAsItArrivesAndRemovesAbsentSessionsOnlyWhenComplete() {
        send(status(C1, UpstreamState.CONNECTED, 50));
        send(upsert(C1, row("z", "running")));
        drainOutputs();

        send(chunk(C1, "s1", 0, 3, 3, 100, row("a", "running")));
        send(chunk(C1, "s1", 1, 3, 3, 100, row("b", "running")));
        assertThat(changes()).as("each chunk's rows are observations: applied on arrival; z stays until the end")
                .containsExactly("gw-one/a created r1", "gw-one/b created r1");
        assertThat(this.connectionState.readValuesToList()).as("the count follows the table, chunk by chunk")
                .extracting(ConnectionState::sessionCount).containsExactly(2, 3);

        send(chunk(C1, "s1", 2, 3, 3, 100, row("c", "running")));
        assertThat(changes()).containsExactly("gw-one/c created r1", "gw-one/z removed");
        ConnectionState complete = this.connectionState.readValue();
        assertThat(complete.sessionCount()).isEqualTo(3);
        assertThat(complete.lastSnapshotAt()).isEqualTo(100);
    }

    @Test
    void snapshotCutOffHalfWayDeletesNothing() {
        send(snapshot(C1, "s1", 100, row("a", "running"), row("b", "running")));
        drainOutputs();

        // The ingestor died after the first of two chunks; its successor takes a new snapshot.
        send(chunk(C1, "cut-off", 0, 2, 2, 200, row("a", "done")));
        assertThat(changes()).as("what the chunk listed was true when listed: applied, and b is not removed")
                .containsExactly("gw-one/a updated r2");
        send(chunk(C1, "s3", 0, 2, 3, 300, row("a", "running"), row("b", "running")));
        send(chunk(C1, "s3", 1, 2, 3, 300, row("c", "running")));

        assertThat(changes()).as("the cut-off snapshot removed nothing; the complete one lists a and b")
                .containsExactly("gw-one/a updated r3", "gw-one/c created r1");
    }

    @Test
    void chunkOfASnapshotWhoseEarlierChunkIsMissingIsNotApplied() {
        send(snapshot(C1, "s1", 100, row("a", "running"), row("b", "running")));
        drainOutputs();

        send(chunk(C1, "s2", 0, 3, 1, 200));
        // chunk 1 of s2 was lost
        send(chunk(C1, "s2", 2, 3, 1, 200, row("c", "running")));

        assertThat(this.sessionState.isEmpty()).as("a snapshot with a gap removes neither a nor b").isTrue();
    }

    @Test
    void snapshotWhoseChunksDoNotAddUpToItsTotalDeletesNothing() {
        send(snapshot(C1, "s1", 100, row("a", "running"), row("b", "running")));
        drainOutputs();

        send(chunk(C1, "s2", 0, 1, 2, 200, row("a", "done")));

        assertThat(changes()).as("a's row is an observation; b is unlisted only because a row went missing")
                .containsExactly("gw-one/a updated r2");
    }

    @Test
    void everyDiscardedSnapshotIsCountedByReasonAndNoAppliedOneIs() {
        send(snapshot(C1, "applied", 100, row("a", "running"), row("b", "running")));
        send(chunk(C1, "applied-in-chunks", 0, 2, 2, 150, row("a", "running")));
        send(chunk(C1, "applied-in-chunks", 1, 2, 2, 150, row("b", "running")));
        // Rows went missing: 1 listed, 2 announced.
        send(chunk(C1, "short", 0, 1, 2, 200, row("a", "running")));
        // Chunk 1 of 3 lost.
        send(chunk(C1, "gap", 0, 3, 3, 300, row("a", "running")));
        send(chunk(C1, "gap", 2, 3, 3, 300, row("c", "running")));
        // Its writer died after chunk 0; the next snapshot starts.
        send(chunk(C1, "cut-off", 0, 2, 2, 400, row("a", "running")));
        send(chunk(C2, "other", 0, 2, 2, 400, row("a", "running")));
        send(chunk(C1, "successor", 0, 1, 2, 500, row("a", "running"), row("b", "running")));

        assertThat(discardedSnapshots()).isEqualTo(Map.of("rows-do-not-add-up", 1.0,
                "chunk-missing", 1.0, "cut-off", 1.0));
    }

    @Test
    void reconciliationSnapshotWithNoChangeEmitsNoSessionState() {
        send(snapshot(C1, "s1", 100, row("a", "running", 1_000), row("b", "done", 1_000)));
        drainOutputs();

        send(snapshot(C1, "s2", 200, row("b", "done", 2_000), row("a", "running", 2_000)));

        assertThat(this.sessionState.isEmpty()).as("snapshotAt is volatile: not a change").isTrue();
    }

    @Test
    void deltaUpsertAndRemovalApplyToTheirKeyOnly() {
        send(snapshot(C1, "s1", 100, row("a", "running"), row("b", "running")));
        send(snapshot(C2, "s1", 100, row("a", "running")));
        drainOutputs();

        send(upsert(C1, row("a", "done")));
        send(removal(C1, "b"));

        assertThat(changes()).containsExactly("gw-one/a updated r2", "gw-one/b removed");
    }

    @Test
    void eventsOfOneConnectionAreAppliedInTheirOrder() {
        send(snapshot(C1, "s1", 100, row("a", "queued"), row("b", "queued")));
        send(upsert(C1, row("a", "running")));
        send(upsert(C2, row("a", "queued")));
        send(removal(C1, "b"));
        send(upsert(C1, row("b", "running")));
        send(upsert(C1, row("a", "done")));

        assertThat(changes()).containsExactly("gw-one/a created r1", "gw-one/b created r1", "gw-one/a updated r2",
                "gw-two/a created r1", "gw-one/b removed", "gw-one/b created r1", "gw-one/a updated r3");
    }

    @Test
    void connectionGoingDownKeepsItsSessionsAndMarksThemStale() {
        send(status(C1, UpstreamState.CONNECTED, 50));
        send(snapshot(C1, "s1", 100, row("a", "running"), row("b", "running")));
        drainOutputs();

        send(status(C1, UpstreamState.DISCONNECTED, 300));

        assertThat(this.sessionState.isEmpty()).as("no session removed").isTrue();
        ConnectionState row = this.connectionState.readValue();
        assertThat(row.state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(row.sessionsStale()).isTrue();
        assertThat(row.sessionCount()).isEqualTo(2);
        assertThat(row.lastSnapshotAt()).isEqualTo(100);
    }

    @Test
    void emptySnapshotFromConnectedGatewayDeletesItsSessions() {
        send(status(C1, UpstreamState.CONNECTED, 50));
        send(snapshot(C1, "s1", 100, row("a", "running"), row("b", "running")));
        send(snapshot(C2, "s1", 100, row("a", "running")));
        drainOutputs();

        send(snapshot(C1, "s2", 200));

        assertThat(changes()).containsExactly("gw-one/a removed", "gw-one/b removed");
        ConnectionState row = this.connectionState.readValue();
        assertThat(row.sessionCount()).isZero();
        assertThat(row.lastSnapshotAt()).isEqualTo(200);
    }

    @Test
    void firstRowOfAKeyIsCreatedAndEachChangeIncrementsItsRevision() {
        send(upsert(C1, row("a", "queued")));
        send(upsert(C1, row("a", "running")));
        send(snapshot(C1, "s1", 100, row("a", "done")));
        send(removal(C1, "a"));
        send(upsert(C1, row("a", "queued")));

        List<SessionState> rows = this.sessionState.readValuesToList();
        assertThat(rows).extracting(state -> state == null ? "tombstone"
                : state.changeType().wireName() + " r" + state.revision() + " " + state.session().status())
                .containsExactly("created r1 queued", "updated r2 running", "updated r3 done", "tombstone",
                        "created r1 queued");
    }

    @Test
    void sessionStateCarriesTheWholeRowAndItsMetadata() {
        SessionRow gatewayRow = row("agent:main:web", "running");
        send(upsert(C1, gatewayRow));

        KeyValue<String, SessionState> output = this.sessionState.readKeyValue();
        assertThat(output.key).isEqualTo("gw-one/agent:main:web");
        SessionState state = output.value;
        assertThat(state.session().fields().toString()).as("every field, unknown ones included")
                .isEqualTo(gatewayRow.fields().toString());
        assertThat(state.connectionId()).isEqualTo(C1);
        assertThat(state.observedAt()).isEqualTo(500);
        assertThat(state.upstreamUpdatedAt()).isEqualTo(gatewayRow.updatedAt());
    }

    @Test
    void removalOfUnknownSessionEmitsNothing() {
        send(status(C1, UpstreamState.CONNECTED, 50));
        drainOutputs();

        send(removal(C1, "never-seen"));

        assertThat(this.sessionState.isEmpty()).isTrue();
        assertThat(this.connectionState.isEmpty()).as("the session count did not move").isTrue();
    }

    @Test
    void connectionStateCarriesTheStatusTheLastSnapshotTimeAndTheSessionCount() {
        send(snapshot(C1, "s1", 100, row("a", "running"), row("b", "running")));
        assertThat(this.connectionState.isEmpty()).as("no state to report before a status").isTrue();

        send(ConnectionStatusEvent.of(C1, UpstreamState.CONNECTED, null, null, 150, "2026.2.1", 140L,
                "wss://gateway.example/ws", 150));
        ConnectionState connected = this.connectionState.readValue();
        assertThat(connected.state()).isEqualTo(UpstreamState.CONNECTED);
        assertThat(connected.gatewayVersion()).isEqualTo("2026.2.1");
        assertThat(connected.upstreamUrl()).isEqualTo("wss://gateway.example/ws");
        assertThat(connected.since()).isEqualTo(150);
        assertThat(connected.lastSnapshotAt()).isEqualTo(100);
        assertThat(connected.sessionCount()).isEqualTo(2);

        send(upsert(C1, row("c", "running")));
        assertThat(this.connectionState.readValue().sessionCount()).isEqualTo(3);
        send(upsert(C1, row("c", "done")));
        assertThat(this.connectionState.isEmpty()).as("an update does not change the count").isTrue();
        send(removal(C1, "a"));
        assertThat(this.connectionState.readValue().sessionCount()).isEqualTo(2);
    }

    @Test
    void malformedRecordGoesToTheDeadLetterTopicWithItsReasonAndProcessingContinues() {
        byte[] garbage = "{\"type\":\"session-upserted\", broken".getBytes(StandardCharsets.UTF_8);
        this.rawSessionEvents.pipeInput(C1, garbage);
        send(upsert(C1, row("a", "running")));

        KeyValue<String, DeadLetter> letter = this.deadLetters.readKeyValue();
        assertThat(letter.key).isEqualTo(C1);
        assertThat(letter.value.consumer()).isEqualTo(CONSUMER);
        assertThat(letter.value.sourceTopic()).isEqualTo(NAMESPACE.name(Topic.SESSION_EVENTS));
        assertThat(letter.value.sourceOffset()).isZero();
        assertThat(letter.value.errorType()).isEqualTo(MalformedRecordException.class.getName());
        assertThat(letter.value.reason()).contains("Malformed SessionEvent");
        assertThat(Base64.getDecoder().decode(letter.value.valueBase64())).isEqualTo(garbage);
        assertThat(changes()).as("the next record is processed").containsExactly("gw-one/a created r1");
        assertThat(deadLetterCount()).isEqualTo(1.0);
    }

    @Test
    void oversizedMalformedRecordGoesToTheDeadLetterTopicTruncatedWellUnderTheProducerRequestLimit() {
        // Big enough that its whole value in base64 would exceed the producer's 1 MiB max.request.size.
        byte[] garbage = new byte[900_000];
        Arrays.fill(garbage, (byte) 'x');
        garbage[0] = '{';
        this.rawSessionEvents.pipeInput(C1, garbage);
        send(upsert(C1, row("a", "running")));

        TestOutputTopic<String, byte[]> rawDeadLetters = this.driver.createOutputTopic(
                NAMESPACE.name(Topic.DEAD_LETTERS), new StringDeserializer(), new ByteArrayDeserializer());
        byte[] serialized = rawDeadLetters.readValue();
        assertThat(serialized.length).as("serialized dead letter").isLessThan(200_000);
        DeadLetter letter = ContractSerdes.deadLetters().deserializer()
                .deserialize(NAMESPACE.name(Topic.DEAD_LETTERS), serialized);
        assertThat(letter.reason()).contains("Malformed SessionEvent")
                .endsWith("(value truncated to 65536 of 900000 bytes)");
        assertThat(Base64.getDecoder().decode(letter.valueBase64()))
                .isEqualTo(Arrays.copyOf(garbage, 65536));
        assertThat(changes()).as("the next record is processed").containsExactly("gw-one/a created r1");
        assertThat(deadLetterCount()).isEqualTo(1.0);
    }

    @Test
    void recordWithAKeyTooLargeToCopyIsDeadLetteredUnderABoundedKeyAndTheNextRecordIsProjected() {
        String hugeKey = "k".repeat(1_000_000);
        this.sessionEvents.pipeInput(hugeKey, upsert(C1, row("a", "running")));
        send(upsert(C1, row("b", "running")));

        TestOutputTopic<String, byte[]> rawDeadLetters = this.driver.createOutputTopic(
                NAMESPACE.name(Topic.DEAD_LETTERS), new StringDeserializer(), new ByteArrayDeserializer());
        KeyValue<String, byte[]> letter = rawDeadLetters.readKeyValue();
        assertThat(letter.key).isEqualTo(DeadLetter.keyFor(hugeKey)).hasSizeLessThan(400);
        assertThat(letter.value.length).as("the serialized dead letter").isLessThan(10_000);
        assertThat(changes()).as("the next record is processed").containsExactly("gw-one/b created r1");
        assertThat(deadLetterCount()).isEqualTo(1.0);
    }

    @Test
    void rowWhoseRecordWouldBeTooLargeToWriteIsDeadLetteredAndTheRestOfItsSnapshotIsApplied() {
        // 600 KB of session key: the input fits a request, but key + value of its session-state record do not.
        String hugeSession = "agent:" + "x".repeat(600_000);
        send(status(C1, UpstreamState.CONNECTED, 50));
        drainOutputs();
        send(snapshot(C1, "s1", 100, row("a", "running"), row(hugeSession, "running")));

        assertThat(changes()).containsExactly("gw-one/a created r1");
        DeadLetter letter = this.deadLetters.readValue();
        assertThat(letter.errorType()).isEqualTo(OversizedOutputException.class.getName());
        assertThat(letter.reason()).contains("over the projector's limit").contains(C1)
                .contains("(value truncated to 65536 of ");
        assertThat(this.connectionState.readValue().sessionCount()).as("what the table holds").isEqualTo(1);

        send(upsert(C1, row(hugeSession, "done")));
        assertThat(changes()).as("an oversized delta publishes nothing").isEmpty();
        assertThat(this.connectionState.isEmpty()).as("and counts nothing").isTrue();
        assertThat(deadLetterCount()).isEqualTo(2.0);

        send(snapshot(C1, "s2", 200, row("a", "running"), row(hugeSession, "running")));
        assertThat(changes()).as("listed, so not removed, and still not written").isEmpty();
    }

    @Test
    void outputsCarryNoneOfTheInputsHeadersOnlyTheirOwnCloudEventsAttributes() {
        org.apache.kafka.common.header.internals.RecordHeaders headers =
                new org.apache.kafka.common.header.internals.RecordHeaders();
        headers.add("bulky", new byte[400_000]);
        this.sessionEvents.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(C1,
                snapshot(C1, "s1", 100, row("a", "running")), headers));
        this.connectionStatus.pipeInput(new org.apache.kafka.streams.test.TestRecord<>(C1,
                status(C1, UpstreamState.CONNECTED, 50), headers));

        for (org.apache.kafka.common.header.Headers output : List.of(this.sessionState.readRecord().headers(),
                this.connectionState.readRecord().headers())) {
            assertThat(output.lastHeader("bulky")).isNull();
            assertThat(CloudEvents.readFrom(output)).isPresent();
        }
    }

    @Test
    void everyOutputCarriesItsCloudEventsAttributesWithIdsFromItsInput() {
        send(status(C1, UpstreamState.CONNECTED, 50));
        send(snapshot(C1, "s1", 100, row("a", "running"), row("b", "running")));
        send(upsert(C1, row("a", "done")));
        send(removal(C1, "b"));
        this.rawSessionEvents.pipeInput(C1, "not json".getBytes(StandardCharsets.UTF_8));

        List<CloudEvents> states = this.sessionState.readRecordsToList().stream()
                .map(record -> CloudEvents.readFrom(record.headers()).orElseThrow()).toList();
        assertThat(states).extracting(event -> event.type().type() + " " + event.subject()).containsExactly(
                "io.crewstream.session-state.created.v1 a", "io.crewstream.session-state.created.v1 b",
                "io.crewstream.session-state.updated.v1 a", "io.crewstream.session-state.removed.v1 b");
        String sessionEvents = NAMESPACE.name(Topic.SESSION_EVENTS);
        assertThat(states).extracting(CloudEvents::id).containsExactly(sessionEvents + "-0-0-s1",
                sessionEvents + "-0-0-s2", sessionEvents + "-0-1-s1", sessionEvents + "-0-2-s1");
        assertThat(states).allSatisfy(event -> assertThat(event.source()).isEqualTo("/crewstream/projector/" + C1));

        var connection = this.connectionState.readRecordsToList();
        assertThat(connection).allSatisfy(record -> assertThat(CloudEvents.text(record.headers(),
                CloudEvents.DATASCHEMA_HEADER)).isEqualTo("https://crewstream.io/schemas/v1/connection-state.schema.json"));
        var letter = this.deadLetters.readRecord();
        assertThat(CloudEvents.readFrom(letter.headers()).orElseThrow().type())
                .isEqualTo(io.crewstream.schemas.cloudevents.CloudEventType.DEAD_LETTER);
        assertThat(CloudEvents.text(letter.headers(), CloudEvents.CONTENT_TYPE_HEADER)).isEqualTo("application/json");
    }

    @Test
    void aStatusTooLargeToWriteIsDeadLetteredAndChangesNothing() {
        send(status(C1, UpstreamState.CONNECTED, 50));
        drainOutputs();
        ConnectionStatusEvent huge = ConnectionStatusEvent.of(C1, UpstreamState.UNREACHABLE, "x".repeat(1_100_000),
                "connect_failed", 60, "2026.2.1", null, "ws://gateway", 60);
        send(huge);

        DeadLetter letter = this.deadLetters.readValue();
        assertThat(letter.errorType()).isEqualTo(OversizedOutputException.class.getName());
        assertThat(letter.reason()).contains("The status of connection " + C1);
        assertThat(this.connectionState.isEmpty()).isTrue();
        send(snapshot(C1, "s1", 100, row("a", "running")));
        assertThat(this.connectionState.readValue().state()).as("the last status that fitted")
                .isEqualTo(UpstreamState.CONNECTED);
    }

    @Test
    void statusEventMissingAFieldGoesToTheDeadLetterTopicWithTheField() {
        this.rawConnectionStatus.pipeInput(C1, ("{\"schemaVersion\":1,\"connectionId\":\"gw-one\","
                + "\"since\":1,\"observedAt\":1}").getBytes(StandardCharsets.UTF_8));
        send(status(C1, UpstreamState.CONNECTED, 50));

        DeadLetter letter = this.deadLetters.readValue();
        assertThat(letter.sourceTopic()).isEqualTo(NAMESPACE.name(Topic.CONNECTION_STATUS));
        assertThat(letter.reason()).contains("state");
        assertThat(this.connectionState.readValue().state()).isEqualTo(UpstreamState.CONNECTED);
        assertThat(deadLetterCount()).isEqualTo(1.0);
    }

    @Test
    void recordKeyedByAnotherConnectionGoesToTheDeadLetterTopic() {
        this.sessionEvents.pipeInput(C2, upsert(C1, row("a", "running")));

        DeadLetter letter = this.deadLetters.readValue();
        assertThat(letter.reason()).contains("gw-two").contains("gw-one");
        assertThat(this.sessionState.isEmpty()).isTrue();
    }

    @Test
    void recordWithoutValueGoesToTheDeadLetterTopic() {
        this.rawSessionEvents.pipeInput(C1, (byte[]) null);

        DeadLetter letter = this.deadLetters.readValue();
        assertThat(letter.reason()).contains("no value");
        assertThat(letter.valueBase64()).isNull();
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private void send(SessionEvent event) {
        this.sessionEvents.pipeInput(event.connectionId(), event);
    }

    private void send(ConnectionStatusEvent event) {
        this.connectionStatus.pipeInput(event.connectionId(), event);
    }

    private static SessionUpserted upsert(String connectionId, SessionRow row) {
        return SessionUpserted.of(connectionId, "patch", null, 500, row);
    }

    private static SessionRemoved removal(String connectionId, String sessionKey) {
        return SessionRemoved.of(connectionId, sessionKey, "delete", null, 600);
    }

    private static ConnectionStatusEvent status(String connectionId, UpstreamState state, long since) {
        return ConnectionStatusEvent.of(connectionId, state, state == UpstreamState.CONNECTED ? null : "closed",
                state == UpstreamState.CONNECTED ? null : "closed", since, "2026.2.1", null, "ws://gateway", since);
    }

    /** Every session-state record emitted so far, as "key changeType revision" or "key removed". */
    private List<String> changes() {
        return this.sessionState.readKeyValuesToList().stream()
                .map(kv -> kv.value == null ? kv.key + " removed"
                        : kv.key + " " + kv.value.changeType().wireName() + " r" + kv.value.revision())
                .toList();
    }

    private void drainOutputs() {
        this.sessionState.readKeyValuesToList();
        this.connectionState.readKeyValuesToList();
    }

    /** The discarded-snapshot counter of each reason that counted something. */
    private Map<String, Double> discardedSnapshots() {
        Map<String, Double> counts = new LinkedHashMap<>();
        this.meterRegistry.find(DiscardedSnapshots.METRIC).counters().stream()
                .filter(counter -> counter.count() > 0)
                .forEach(counter -> counts.put(counter.getId().getTag("reason"), counter.count()));
        return counts;
    }

    private double deadLetterCount() {
        Map<MetricName, ? extends Metric> metrics = this.driver.metrics();
        Map<String, Double> totals = new LinkedHashMap<>();
        metrics.forEach((name, metric) -> {
            if (name.name().equals(DeadLetterWriter.DEAD_LETTER_OPERATION + "-total")) {
                totals.merge(name.tags().toString(), ((Number) metric.metricValue()).doubleValue(), Double::sum);
            }
        });
        return totals.values().stream().mapToDouble(Double::doubleValue).sum();
    }
}

package io.crewstream.ingestor.publish;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.ingestor.support.ManualProducer;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Record shaping with a plain in-memory producer; delivery against a real broker is covered by the scenarios. */
class KafkaUpstreamOutputTest {

    private static final int MAX_RECORD_BYTES = 20_000;

    private final ManualProducer producer = new ManualProducer();
    private final PublishHealth health = new PublishHealth(Clock.systemUTC());
    private final RecordSender sender = new RecordSender(id -> this.producer, new TopicNamespace("t."), this.health,
            1000, "instance-a", new SimpleMeterRegistry(), Clock.systemUTC());
    private final KafkaUpstreamOutput output = outputOf(this.sender);

    @BeforeEach
    void startSender() {
        this.sender.start();
        this.sender.open("gw", Duration.ofSeconds(5));
    }

    @Test
    void aRawFrameTooLargeForARecordIsCutAndMarkedTruncatedWithItsRealSize() {
        String text = "{\"type\":\"res\",\"id\":\"1\",\"ok\":true,\"payload\":{\"q\":\"" + "\"".repeat(40_000) + "\"}}";

        this.output.rawFrame("gw", 5L, "res", null, null, text.length(), text, false);
        this.sender.close();

        ProducerRecord<String, byte[]> record = this.producer.history().get(0);
        assertThat(record.topic()).isEqualTo(new TopicNamespace("t.").name(Topic.RAW_FRAMES));
        assertThat(record.key()).isEqualTo("gw");
        assertThat(record.value().length).isLessThanOrEqualTo(MAX_RECORD_BYTES);
        RawFrame frame = ContractSerdes.rawFrames().deserialize("t", record.value());
        assertThat(frame.truncated()).isTrue();
        assertThat(frame.sizeBytes()).isEqualTo(text.length());
        assertThat(text).startsWith(frame.text());
    }

    @Test
    void aSmallRawFrameIsKeptWhole() {
        String text = "{\"type\":\"event\",\"event\":\"tick\",\"payload\":{\"ts\":1},\"seq\":3}";

        this.output.rawFrame("gw", 5L, "event", "tick", 3L, text.length(), text, false);
        this.sender.close();

        RawFrame frame = ContractSerdes.rawFrames().deserialize("t", this.producer.history().get(0).value());
        assertThat(frame).isEqualTo(RawFrame.of("gw", 5L, "event", "tick", 3L, text.length(), false, text));
    }

    @Test
    void everySnapshotChunkIsKeyedByConnectionAndFitsARecord() {
        var rows = java.util.stream.IntStream.range(0, 50)
                .mapToObj(i -> SnapshotChunkerTest.row("agent:main:" + i, 1000)).toList();

        UpstreamOutput.SnapshotReceipt receipt = this.output.snapshot("gw", SnapshotReason.INITIAL, rows, 5L, 2L);
        this.sender.close();

        List<ProducerRecord<String, byte[]>> records = this.producer.history();
        assertThat(receipt.chunks()).isGreaterThan(1).isEqualTo(records.size());
        assertThat(receipt.sessions()).isEqualTo(50);
        assertThat(records).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo("gw");
            assertThat(record.value().length).isLessThanOrEqualTo(MAX_RECORD_BYTES);
            SnapshotChunk chunk = (SnapshotChunk) ContractSerdes.sessionEvents().deserialize(null, record.value());
            assertThat(chunk.listedFrom()).as("when the listing was asked for").isEqualTo(2L);
            assertThat(chunk.observedAt()).isEqualTo(5L);
        });
    }

    @Test
    void anUpsertTooLargeForARecordIsPublishedWithATrimmedRowAndReported() {
        ObjectNode fields = SnapshotChunkerTest.row("agent:main:huge", 50_000).fields();
        fields.put("status", "running");
        SessionUpserted upserted = SessionUpserted.of("gw", "patch", 7L, 3L, SessionRow.of(fields));

        Optional<String> reported = this.output.change(upserted);
        this.sender.close();

        assertThat(reported).hasValueSatisfying(problem -> assertThat(problem).contains("agent:main:huge")
                .contains("trimmed"));
        ProducerRecord<String, byte[]> record = this.producer.history().get(0);
        assertThat(record.key()).isEqualTo("gw");
        assertThat(record.value().length).isLessThanOrEqualTo(MAX_RECORD_BYTES);
        SessionEvent published = ContractSerdes.sessionEvents().deserialize("t", record.value());
        assertThat(published).isInstanceOfSatisfying(SessionUpserted.class, trimmed -> {
            assertThat(trimmed.sessionKey()).isEqualTo("agent:main:huge");
            assertThat(trimmed.upstreamSeq()).isEqualTo(7L);
            assertThat(trimmed.session().status()).isEqualTo("running");
            assertThat(trimmed.session().fields().has("notes")).isFalse();
            assertThat(trimmed.session().fields().get(TrimmedRow.MARKER).asBoolean()).isTrue();
        });
    }

    @Test
    void aChangeThatFitsIsPublishedAsGivenAndNotReported() {
        SessionUpserted upserted = SessionUpserted.of("gw", "patch", 7L, 3L,
                SnapshotChunkerTest.row("agent:main:small", 500));

        assertThat(this.output.change(upserted)).isEmpty();
        this.sender.close();

        assertThat(ContractSerdes.sessionEvents().deserialize("t", this.producer.history().get(0).value()))
                .isEqualTo(upserted);
    }

    @Test
    void aRunEventGoesToRunEventsKeyedByConnectionWithTheIdItWasGivenTheTypeOfItsKindAndTheSessionAsSubject() {
        RunEvent ended = RunEvent.runEnded("gw", "agent:main:main", "main", "r1", 1_795_398_405_000L,
                1_795_398_405_003L, 7L, RunOutcome.ERROR, "rate_limit", null, null);

        this.output.runEvent(ended, "r1/chat/7");
        this.sender.close();

        ProducerRecord<String, byte[]> record = this.producer.history().get(0);
        assertThat(record.topic()).isEqualTo(new TopicNamespace("t.").name(Topic.RUN_EVENTS));
        assertThat(record.key()).isEqualTo("gw");
        assertThat(ContractSerdes.runEvents().deserialize("t", record.value())).isEqualTo(ended);
        CloudEvents attributes = CloudEvents.readFrom(record.headers()).orElseThrow();
        assertThat(attributes.id()).isEqualTo("r1/chat/7");
        assertThat(attributes.type()).isEqualTo(CloudEventType.RUN_ENDED);
        assertThat(attributes.subject()).isEqualTo("agent:main:main");
        assertThat(attributes.source()).isEqualTo("/crewstream/ingestor/gw");
        assertThat(attributes.time()).isEqualTo(java.time.Instant.ofEpochMilli(1_795_398_405_000L));
    }

    @Test
    void eachRunEventKindHasItsOwnCloudEventType() {
        this.output.runEvent(RunEvent.runStarted("gw", "agent:main:main", "main", "r1", 1, 1, 1L), "a");
        this.output.runEvent(RunEvent.toolStarted("gw", "agent:main:main", "main", "r1", 2, 2, 2L, "exec", "c"), "b");
        this.output.runEvent(RunEvent.toolEnded("gw", "agent:main:main", "main", "r1", 3, 3, 3L, "exec", "c", false),
                "c");
        this.sender.close();

        assertThat(this.producer.history()).extracting(record -> CloudEvents.readFrom(record.headers())
                .orElseThrow().type()).containsExactly(CloudEventType.RUN_STARTED, CloudEventType.RUN_TOOL_STARTED,
                        CloudEventType.RUN_TOOL_ENDED);
    }

    @Test
    void anAgentListGoesToAgentListsKeyedByConnection() {
        AgentList list = AgentList.of("gw", "main", "main", List.of(new AgentInfo("main", "Main", null, null, null,
                null, null)), 9L);

        this.output.agentList(list);
        this.sender.close();

        ProducerRecord<String, byte[]> record = this.producer.history().get(0);
        assertThat(record.topic()).isEqualTo(new TopicNamespace("t.").name(Topic.AGENT_LISTS));
        assertThat(record.key()).isEqualTo("gw");
        assertThat(ContractSerdes.agentLists().deserialize("t", record.value())).isEqualTo(list);
        assertThat(CloudEvents.readFrom(record.headers()).orElseThrow().type())
                .isEqualTo(CloudEventType.AGENTS_LISTED);
    }

    @Test
    void aFailedCommitMarksPublishingDegraded() {
        this.producer.failNextCommit(new KafkaException("broker unreachable"));

        this.sender.send(Topic.CONNECTION_STATUS, "gw", new byte[] { 1 }, new CloudEvents("probe-1",
                CloudEvents.source(CloudEvents.Component.INGESTOR, "gw"), CloudEventType.CONNECTION_STATUS,
                java.time.Instant.EPOCH, null));

        org.awaitility.Awaitility.await().until(this.health::degraded);
        assertThat(this.health.lastFailure()).contains("broker unreachable");
        assertThat(this.producer.transactionAborted()).isTrue();
        assertThat(this.sender.isOpen("gw")).as("an aborted transaction does not cost the writer").isTrue();
    }

    @Test
    void statusesNameThisInstanceAsTheOwner() {
        this.output.status(ConnectionStatusEvent.of("gw", UpstreamState.CONNECTED, "connected", null, 1L, "1.0",
                null, "ws://gw", 2L));
        this.sender.close();

        ProducerRecord<String, byte[]> record = this.producer.history().get(0);
        assertThat(ContractSerdes.connectionStatus().deserialize("t", record.value()).owner())
                .isEqualTo("instance-a");
        assertThat(CloudEvents.text(record.headers(), CloudEvents.WRITER_HEADER)).isEqualTo("instance-a");
    }

    @Test
    void aMarkerWaitsForTheCommitOfTheConnectionsLastSessionEventAndNamesItsOffset() {
        ManualProducer manual = this.producer;
        manual.hold();

        this.output.change(change("agent:main:a", 7L));
        this.output.change(change("agent:main:b", 8L));
        this.output.sessionsVerified("gw", SnapshotReason.RECONCILIATION, 2, "0123456789abcdef", 2, 1L, 3L);
        org.awaitility.Awaitility.await().until(() -> !manual.uncommittedRecords().isEmpty());
        assertThat(manual.history()).as("nothing is committed while the commit is held").isEmpty();

        manual.release();

        org.awaitility.Awaitility.await().until(() -> manual.history().size() == 3);
        ProducerRecord<String, byte[]> marker = manual.history().get(2);
        assertThat(marker.topic()).isEqualTo(new TopicNamespace("t.").name(Topic.SESSION_VERIFICATIONS));
        assertThat(marker.key()).isEqualTo("gw");
        assertThat(ContractSerdes.sessionVerifications().deserialize(null, marker.value()))
                .isEqualTo(SessionsVerified.of("gw", SnapshotReason.RECONCILIATION, 2, "0123456789abcdef", 2, 1L, 3L,
                        1L));
        this.sender.close();
    }

    @Test
    void noMarkerIsWrittenWhenTheConnectionsLastSessionEventBeforeItFailed() {
        ManualProducer manual = this.producer;
        manual.failNextCommit(new KafkaException("broker unreachable"));

        this.output.change(change("agent:main:a", 7L));
        this.output.sessionsVerified("gw", SnapshotReason.RECONCILIATION, 1, "0123456789abcdef", 1, 1L, 3L);
        org.awaitility.Awaitility.await().until(this.health::degraded);
        // A later record of the connection is committed: the marker must not slip in after it.
        this.output.change(change("agent:main:b", 8L));
        org.awaitility.Awaitility.await().until(() -> manual.history().size() == 1);
        this.sender.close();

        assertThat(manual.history()).extracting(ProducerRecord::topic)
                .containsOnly(new TopicNamespace("t.").name(Topic.SESSION_EVENTS));
    }

    private static KafkaUpstreamOutput outputOf(RecordSender sender) {
        return new KafkaUpstreamOutput(sender, new SnapshotChunker(8_000, MAX_RECORD_BYTES), MAX_RECORD_BYTES,
                "instance-a");
    }

    private static SessionUpserted change(String sessionKey, long seq) {
        return SessionUpserted.of("gw", "patch", seq, 3L, SnapshotChunkerTest.row(sessionKey, 100));
    }
}

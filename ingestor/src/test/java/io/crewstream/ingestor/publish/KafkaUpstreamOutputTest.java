package io.crewstream.ingestor.publish;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Record shaping with a plain in-memory producer; delivery against a real broker is covered by the scenarios. */
class KafkaUpstreamOutputTest {

    private static final int MAX_RECORD_BYTES = 20_000;

    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final PublishHealth health = new PublishHealth(Clock.systemUTC());
    private final RecordSender sender = new RecordSender(this.producer, new TopicNamespace("t."), this.health, 1000,
            new SimpleMeterRegistry());
    private final KafkaUpstreamOutput output = outputOf(this.sender);

    @BeforeEach
    void startSender() {
        this.sender.start();
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
    void aFailedSendMarksPublishingDegraded() {
        MockProducer<String, byte[]> failing = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        RecordSender failingSender = startedSender(failing);

        failingSender.send(Topic.CONNECTION_STATUS, "gw", new byte[] { 1 }, new CloudEvents("probe-1",
                CloudEvents.source(CloudEvents.Component.INGESTOR, "gw"), CloudEventType.CONNECTION_STATUS,
                java.time.Instant.EPOCH, null));
        org.awaitility.Awaitility.await().until(() -> failing.history().size() == 1);
        failing.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker unreachable"));

        assertThat(this.health.degraded()).isTrue();
        assertThat(this.health.lastFailure()).contains("broker unreachable");
        failingSender.close();
    }

    @Test
    void aMarkerWaitsForTheAcknowledgementOfTheConnectionsLastSessionEventAndNamesItsOffset() {
        MockProducer<String, byte[]> manual = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        RecordSender manualSender = startedSender(manual);
        KafkaUpstreamOutput manualOutput = outputOf(manualSender);

        manualOutput.change(change("agent:main:a", 7L));
        manualOutput.change(change("agent:main:b", 8L));
        manualOutput.sessionsVerified("gw", SnapshotReason.RECONCILIATION, 2, "0123456789abcdef", 2, 1L, 3L);
        org.awaitility.Awaitility.await().until(() -> manual.history().size() == 2);
        assertThat(manual.completeNext()).isTrue();
        assertThat(manual.history()).as("nothing before the last change is acknowledged").hasSize(2);

        assertThat(manual.completeNext()).isTrue();

        org.awaitility.Awaitility.await().until(() -> manual.history().size() == 3);
        ProducerRecord<String, byte[]> marker = manual.history().get(2);
        assertThat(marker.topic()).isEqualTo(Topic.SESSION_VERIFICATIONS.baseName());
        assertThat(marker.key()).isEqualTo("gw");
        assertThat(ContractSerdes.sessionVerifications().deserialize(null, marker.value()))
                .isEqualTo(SessionsVerified.of("gw", SnapshotReason.RECONCILIATION, 2, "0123456789abcdef", 2, 1L, 3L,
                        1L));
        manualSender.close();
    }

    @Test
    void noMarkerIsWrittenWhenTheConnectionsLastSessionEventBeforeItFailed() {
        MockProducer<String, byte[]> manual = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        RecordSender manualSender = startedSender(manual);
        KafkaUpstreamOutput manualOutput = outputOf(manualSender);

        manualOutput.change(change("agent:main:a", 7L));
        manualOutput.sessionsVerified("gw", SnapshotReason.RECONCILIATION, 1, "0123456789abcdef", 1, 1L, 3L);
        org.awaitility.Awaitility.await().until(() -> manual.history().size() == 1);
        assertThat(manual.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker unreachable")))
                .isTrue();
        // A later record of the connection is sent and acknowledged: the marker must not slip in after it.
        manualOutput.change(change("agent:main:b", 8L));
        org.awaitility.Awaitility.await().until(() -> manual.history().size() == 2);
        assertThat(manual.completeNext()).isTrue();
        manualSender.close();

        assertThat(manual.history()).extracting(ProducerRecord::topic)
                .containsOnly(Topic.SESSION_EVENTS.baseName());
    }

    /** A sender on a producer the test acknowledges or fails by hand. */
    private RecordSender startedSender(MockProducer<String, byte[]> producer) {
        RecordSender sender = new RecordSender(producer, TopicNamespace.DEFAULT, this.health, 1000,
                new SimpleMeterRegistry());
        sender.start();
        return sender;
    }

    private static KafkaUpstreamOutput outputOf(RecordSender sender) {
        return new KafkaUpstreamOutput(sender, new SnapshotChunker(8_000, MAX_RECORD_BYTES), MAX_RECORD_BYTES);
    }

    private static SessionUpserted change(String sessionKey, long seq) {
        return SessionUpserted.of("gw", "patch", seq, 3L, SnapshotChunkerTest.row(sessionKey, 100));
    }
}

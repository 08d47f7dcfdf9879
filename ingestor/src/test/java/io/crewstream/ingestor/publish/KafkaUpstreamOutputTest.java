package io.crewstream.ingestor.publish;

import java.time.Clock;
import java.util.List;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Record shaping with a plain in-memory producer; delivery against a real broker is covered by the scenarios. */
class KafkaUpstreamOutputTest {

    private static final int MAX_RECORD_BYTES = 20_000;

    private final MockProducer<String, byte[]> producer = new MockProducer<>(true, null, new StringSerializer(),
            new ByteArraySerializer());
    private final PublishHealth health = new PublishHealth(Clock.systemUTC());
    private final RecordSender sender = new RecordSender(this.producer, new TopicNamespace("t."), this.health, 1000,
            new SimpleMeterRegistry());
    private final KafkaUpstreamOutput output = new KafkaUpstreamOutput(this.sender,
            new SnapshotChunker(8_000, MAX_RECORD_BYTES), MAX_RECORD_BYTES);

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

        UpstreamOutput.SnapshotReceipt receipt = this.output.snapshot("gw", "initial", rows, 1L);
        this.sender.close();

        List<ProducerRecord<String, byte[]>> records = this.producer.history();
        assertThat(receipt.chunks()).isGreaterThan(1).isEqualTo(records.size());
        assertThat(receipt.sessions()).isEqualTo(50);
        assertThat(records).allSatisfy(record -> {
            assertThat(record.key()).isEqualTo("gw");
            assertThat(record.value().length).isLessThanOrEqualTo(MAX_RECORD_BYTES);
        });
    }

    @Test
    void aFailedSendMarksPublishingDegraded() {
        MockProducer<String, byte[]> failing = new MockProducer<>(false, null, new StringSerializer(),
                new ByteArraySerializer());
        RecordSender failingSender = new RecordSender(failing, TopicNamespace.DEFAULT, this.health, 1000,
                new SimpleMeterRegistry());

        failingSender.send(Topic.CONNECTION_STATUS, "gw", new byte[] { 1 });
        org.awaitility.Awaitility.await().until(() -> failing.history().size() == 1);
        failing.errorNext(new org.apache.kafka.common.errors.TimeoutException("broker unreachable"));

        assertThat(this.health.degraded()).isTrue();
        assertThat(this.health.lastFailure()).contains("broker unreachable");
        failingSender.close();
    }
}

package io.crewstream.ingestor.publish;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.crewstream.testsupport.kafka.TopicReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two ingestor instances' writers for one gateway on the real broker: the one that opened the gateway last is its
 * only writer, and {@code read_committed} readers see nothing the other sends afterwards.
 */
@ExtendWith(KafkaBrokerExtension.class)
class FencedPublishingTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final String GW = "gw-fenced";

    private final List<RecordSender> senders = new ArrayList<>();

    @AfterEach
    void closeSenders() {
        this.senders.forEach(RecordSender::close);
    }

    @Test
    void aSecondInstanceOpeningTheGatewayFencesTheFirstWhoseLaterRecordsNoReaderSees(KafkaBroker broker)
            throws Exception {
        TopicNamespace namespace = topics(broker);
        PublishHealth firstHealth = new PublishHealth(Clock.systemUTC());
        RecordSender first = sender(broker, namespace, "instance-a", firstHealth);
        List<String> lost = losses(first);
        RecordSender second = sender(broker, namespace, "instance-b", new PublishHealth(Clock.systemUTC()));
        first.open(GW, PATIENCE);
        first.send(Topic.RAW_FRAMES, GW, text("a-before"), attributes(1)).get();

        second.open(GW, PATIENCE);
        CompletableFuture<RecordMetadata> zombie = first.send(Topic.RAW_FRAMES, GW, text("a-after"), attributes(2));
        second.send(Topic.RAW_FRAMES, GW, text("b-after"), attributes(3)).get();

        Awaitility.await().atMost(PATIENCE).until(zombie::isDone);
        assertThat(zombie).isCompletedExceptionally();
        Awaitility.await().atMost(PATIENCE).until(() -> !lost.isEmpty());
        assertThat(lost).containsExactly(GW + " fenced=true");
        assertThat(first.isOpen(GW)).as("a fenced writer never re-opens by itself").isFalse();
        assertThat(firstHealth.degraded()).as("nothing of a gateway it does not own is lost here").isFalse();
        assertThat(second.isOpen(GW)).isTrue();
        assertThat(first.send(Topic.RAW_FRAMES, GW, text("a-later"), attributes(4)))
                .as("refused at once").isCompletedExceptionally();

        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(broker,
                namespace.name(Topic.RAW_FRAMES), new StringDeserializer(), new ByteArrayDeserializer(), PATIENCE);
        assertThat(records).extracting(record -> new String(record.value(), StandardCharsets.UTF_8))
                .containsExactly("a-before", "b-after");
        assertThat(records).extracting(record -> CloudEvents.text(record.headers(), CloudEvents.WRITER_HEADER))
                .as("every record names its writer").containsExactly("instance-a", "instance-b");
    }

    @Test
    void aRecordIsReadableReadCommittedWhenItsFutureCompletes(KafkaBroker broker) throws Exception {
        TopicNamespace namespace = topics(broker);
        RecordSender sender = sender(broker, namespace, "instance-a", new PublishHealth(Clock.systemUTC()));
        sender.open(GW, PATIENCE);

        RecordMetadata written = sender.send(Topic.RAW_FRAMES, GW, text("committed"), attributes(1)).get();

        List<ConsumerRecord<String, byte[]>> records = TopicReader.readAll(broker,
                namespace.name(Topic.RAW_FRAMES), new StringDeserializer(), new ByteArrayDeserializer(), PATIENCE);
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.offset()).isEqualTo(written.offset());
            assertThat(record.key()).isEqualTo(GW);
        });
    }

    @Test
    void reopeningTheGatewayInTheSameInstanceWritesWhatWasQueuedAndKeepsWriting(KafkaBroker broker)
            throws Exception {
        TopicNamespace namespace = topics(broker);
        RecordSender sender = sender(broker, namespace, "instance-a", new PublishHealth(Clock.systemUTC()));
        List<String> lost = losses(sender);
        sender.open(GW, PATIENCE);
        CompletableFuture<RecordMetadata> before = sender.send(Topic.RAW_FRAMES, GW, text("one"), attributes(1));

        sender.open(GW, PATIENCE);
        sender.send(Topic.RAW_FRAMES, GW, text("two"), attributes(2)).get();

        assertThat(before.get()).isNotNull();
        assertThat(lost).as("its own re-opening is no loss").isEmpty();
        assertThat(TopicReader.readAll(broker, namespace.name(Topic.RAW_FRAMES), new StringDeserializer(),
                new ByteArrayDeserializer(), PATIENCE))
                .extracting(record -> new String(record.value(), StandardCharsets.UTF_8))
                .containsExactly("one", "two");
    }

    private RecordSender sender(KafkaBroker broker, TopicNamespace namespace, String instanceId,
            PublishHealth health) {
        IngestorProperties.Kafka kafka = new IngestorProperties.Kafka(1, false, Duration.ofSeconds(10), 262_144,
                900_000, 100_000);
        KafkaSettings shared = KafkaSettings.of(broker.bootstrapServers(), namespace.prefix());
        RecordSender sender = new RecordSender(id -> new KafkaProducer<>(ProducerSettings.of(shared, kafka, id)),
                namespace, health, 100_000, instanceId, new SimpleMeterRegistry(), Clock.systemUTC());
        sender.start();
        this.senders.add(sender);
        return sender;
    }

    /** What the sender's writer-lost listener is told, as {@code <connection> fenced=<fenced>}. */
    private static List<String> losses(RecordSender sender) {
        List<String> lost = new CopyOnWriteArrayList<>();
        sender.onWriterLost((connectionId, fenced, reason) -> lost.add(connectionId + " fenced=" + fenced));
        return lost;
    }

    private static TopicNamespace topics(KafkaBroker broker) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("fenced"));
        broker.createTopics(List.of(Topic.RAW_FRAMES.newTopic(namespace, 1, TopicReplication.SINGLE)));
        return namespace;
    }

    private static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static CloudEvents attributes(int n) {
        return new CloudEvents("fence-" + n, CloudEvents.source(CloudEvents.Component.INGESTOR, GW),
                CloudEventType.RAW_FRAME, Instant.EPOCH, null);
    }
}

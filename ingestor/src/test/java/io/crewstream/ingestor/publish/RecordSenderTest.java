package io.crewstream.ingestor.publish;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import io.crewstream.ingestor.support.ManualProducer;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sender's bookkeeping around transactions, with producers whose commits the test holds or fails. */
class RecordSenderTest {

    private static final Duration OPEN = Duration.ofSeconds(5);

    private final List<ManualProducer> producers = new CopyOnWriteArrayList<>();
    private final PublishHealth health = new PublishHealth(Clock.systemUTC());
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> lost = new CopyOnWriteArrayList<>();
    private final RecordSender sender = new RecordSender(id -> {
        ManualProducer producer = new ManualProducer();
        this.producers.add(producer);
        return producer;
    }, TopicNamespace.DEFAULT, this.health, 1000, "instance-a", this.registry, Clock.systemUTC());

    @BeforeEach
    void start() {
        this.sender.start();
        this.sender.onWriterLost((connectionId, fenced, reason) -> this.lost.add(connectionId + " fenced=" + fenced));
    }

    @AfterEach
    void close() {
        this.producers.forEach(ManualProducer::release);
        this.sender.close();
    }

    @Test
    void aRecordsFutureCompletesOnlyWhenItsTransactionCommitted() {
        this.sender.open("gw", OPEN);
        ManualProducer producer = this.producers.get(0);
        producer.hold();

        CompletableFuture<RecordMetadata> written = send("gw", 1);
        Awaitility.await().until(() -> !producer.uncommittedRecords().isEmpty());
        assertThat(written).as("sent, not committed").isNotDone();
        assertThat(gauge("crewstream.ingestor.publish.pending")).isEqualTo(1.0);

        producer.release();

        Awaitility.await().until(written::isDone);
        assertThat(written).isCompleted();
        assertThat(producer.history()).hasSize(1);
        assertThat(counter("crewstream.ingestor.publish.transactions", "committed")).isEqualTo(1.0);
        assertThat(gauge("crewstream.ingestor.publish.pending")).isZero();
    }

    @Test
    void recordsQueuedWhileATransactionCommitsGoTogetherIntoTheNext() {
        this.sender.open("gw", OPEN);
        ManualProducer producer = this.producers.get(0);
        producer.hold();
        send("gw", 1);
        Awaitility.await().until(() -> !producer.uncommittedRecords().isEmpty());
        send("gw", 2);
        send("gw", 3);

        producer.release();

        Awaitility.await().until(() -> producer.history().size() == 3);
        assertThat(producer.commitCount()).as("one transaction for the first, one for the two queued behind it")
                .isEqualTo(2);
    }

    @Test
    void aRecordForAGatewayNotOpenHereIsRefusedAtOnceWithoutDegradingPublishing() {
        CompletableFuture<RecordMetadata> written = send("not-mine", 1);

        assertThat(written).isCompletedExceptionally();
        assertThat(this.health.degraded()).isFalse();
        assertThat(this.registry.get("crewstream.ingestor.publish.refused").counter().count()).isEqualTo(1.0);
        assertThat(this.registry.get("crewstream.ingestor.publish.failures").counter().count()).isZero();
    }

    @Test
    void aFailedCommitAbortsTheTransactionDegradesPublishingAndTheNextCommitRecovers() {
        this.sender.open("gw", OPEN);
        ManualProducer producer = this.producers.get(0);
        producer.failNextCommit(new KafkaException("request timed out"));

        CompletableFuture<RecordMetadata> failed = send("gw", 1);
        Awaitility.await().until(failed::isDone);
        assertThat(failed).isCompletedExceptionally();
        assertThat(this.health.degraded()).isTrue();
        Awaitility.await().until(() -> counter("crewstream.ingestor.publish.transactions", "aborted") == 1.0);

        CompletableFuture<RecordMetadata> next = send("gw", 2);
        Awaitility.await().until(next::isDone);
        assertThat(next).isCompleted();
        assertThat(this.health.degraded()).isFalse();
        assertThat(producer.history()).hasSize(1);
        assertThat(this.lost).isEmpty();
    }

    @Test
    void aFencedWriterIsLostToTheListenerRefusesWhatFollowsAndDoesNotDegradePublishing() {
        this.sender.open("gw", OPEN);
        ManualProducer producer = this.producers.get(0);
        producer.failNextCommit(new ProducerFencedException("another producer opened the id"));

        CompletableFuture<RecordMetadata> fenced = send("gw", 1);

        Awaitility.await().until(() -> !this.lost.isEmpty());
        assertThat(this.lost).containsExactly("gw fenced=true");
        assertThat(fenced).isCompletedExceptionally();
        assertThat(this.sender.isOpen("gw")).isFalse();
        assertThat(send("gw", 2)).isCompletedExceptionally();
        assertThat(this.health.degraded()).isFalse();
        assertThat(counter("crewstream.ingestor.publish.transactions", "fenced")).isEqualTo(1.0);
        assertThat(this.producers).as("never re-opened by itself").hasSize(1);
        Awaitility.await().until(producer::closed);
    }

    @Test
    void anOldEpochThatTheAbortShowsWasTakenOverIsFencingAndDegradesNothing() {
        this.sender.open("gw", OPEN);
        ManualProducer producer = this.producers.get(0);
        producer.failNextCommit(new InvalidProducerEpochException("Producer attempted to produce with an old epoch"));
        producer.abortTransactionException = new ProducerFencedException("a newer producer has the id");

        CompletableFuture<RecordMetadata> fenced = send("gw", 1);

        Awaitility.await().until(() -> !this.lost.isEmpty());
        assertThat(this.lost).containsExactly("gw fenced=true");
        assertThat(fenced).isCompletedExceptionally();
        assertThat(this.health.degraded()).isFalse();
    }

    @Test
    void anOldEpochThatTheAbortClearsWasATimedOutTransactionTheWriterGoesOnDegraded() {
        this.sender.open("gw", OPEN);
        ManualProducer producer = this.producers.get(0);
        producer.failNextCommit(new InvalidProducerEpochException("the coordinator aborted the transaction"));

        CompletableFuture<RecordMetadata> failed = send("gw", 1);

        Awaitility.await().until(failed::isDone);
        assertThat(failed).isCompletedExceptionally();
        assertThat(this.health.degraded()).isTrue();
        assertThat(this.sender.isOpen("gw")).isTrue();
        assertThat(this.lost).isEmpty();
    }

    @Test
    void aWriterWhoseAbortFailsIsLostNotFencedSoItsOwnerMayOpenItAgain() {
        this.sender.open("gw", OPEN);
        ManualProducer producer = this.producers.get(0);
        producer.failNextCommit(new KafkaException("broken"));
        producer.abortTransactionException = new KafkaException("the producer is in a fatal state");

        send("gw", 1);

        Awaitility.await().until(() -> !this.lost.isEmpty());
        assertThat(this.lost).containsExactly("gw fenced=false");
        assertThat(this.health.degraded()).isTrue();
        this.sender.open("gw", OPEN);
        assertThat(this.sender.isOpen("gw")).isTrue();
    }

    @Test
    void closingAGatewayWritesWhatWasQueuedThenRefusesMore() {
        this.sender.open("gw", OPEN);
        CompletableFuture<RecordMetadata> queued = send("gw", 1);

        this.sender.close("gw", OPEN);

        assertThat(queued).isCompleted();
        assertThat(this.producers.get(0).history()).hasSize(1);
        assertThat(this.producers.get(0).closed()).isTrue();
        assertThat(send("gw", 2)).isCompletedExceptionally();
        assertThat(this.lost).isEmpty();
    }

    @Test
    void everyRecordCarriesTheWriterHeader() {
        this.sender.open("gw", OPEN);
        send("gw", 1).join();

        assertThat(this.producers.get(0).history()).singleElement()
                .satisfies(record -> assertThat(CloudEvents.text(record.headers(), CloudEvents.WRITER_HEADER))
                        .isEqualTo("instance-a"));
    }

    private CompletableFuture<RecordMetadata> send(String connectionId, int n) {
        return this.sender.send(Topic.RAW_FRAMES, connectionId, new byte[] { (byte) n },
                new CloudEvents("r-" + n, CloudEvents.source(CloudEvents.Component.INGESTOR, connectionId),
                        CloudEventType.RAW_FRAME, Instant.EPOCH, null));
    }

    private double gauge(String name) {
        return this.registry.get(name).gauge().value();
    }

    private double counter(String name, String outcome) {
        return this.registry.get(name).tag("outcome", outcome).counter().count();
    }
}

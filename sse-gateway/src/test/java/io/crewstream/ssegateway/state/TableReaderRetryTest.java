package io.crewstream.ssegateway.state;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The reader outlives a cluster that does not answer yet: metadata and offset calls that time out are retried, and
 * the table loads once they succeed. Kafka's own consumer double plays a broker that times out a given number of
 * times (the integration counterpart, against a port where nothing listens, is in {@code TableLoadingTest}).
 */
class TableReaderRetryTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private static final TopicNamespace NAMESPACE = new TopicNamespace("retry-test");

    private final MeterRegistry meters = new SimpleMeterRegistry();

    private final SessionTable table = new SessionTable(new TableListener() {

        @Override
        public void onLoaded(SessionTable loaded) {
        }

        @Override
        public void onChange(TableChange change) {
        }
    }, 10, java.time.Clock.systemUTC());

    private TableReader reader;

    @AfterEach
    void stop() {
        if (this.reader != null) {
            this.reader.stop();
        }
    }

    @Test
    void metadataAndOffsetTimeoutsAreRetriedCountedAndTheTableLoadsOnceTheClusterAnswers() {
        FlakyConsumer consumer = new FlakyConsumer(3, 2);
        this.reader = new TableReader(this.table, NAMESPACE, () -> consumer, this.meters, Duration.ofMillis(5),
                Duration.ofMillis(20), java.time.Clock.systemUTC());
        this.reader.start();

        await().atMost(WAIT).until(this.table::loaded);
        assertThat(this.reader.isRunning()).isTrue();
        assertThat(consumer.metadataTimeouts.get()).as("every planned metadata timeout happened").isZero();
        assertThat(consumer.offsetTimeouts.get()).as("every planned offset timeout happened").isZero();
        assertThat(failures()).isEqualTo(5);
        assertThat(this.reader.lastFailure()).as("cleared once loading got past it").isNull();
    }

    @Test
    void readerWaitingForAnUnreachableClusterSaysWhyAndStopsPromptly() {
        FlakyConsumer consumer = new FlakyConsumer(Integer.MAX_VALUE, 0);
        this.reader = new TableReader(this.table, NAMESPACE, () -> consumer, this.meters, Duration.ofMillis(5),
                Duration.ofMillis(20), java.time.Clock.systemUTC());
        this.reader.start();

        await().atMost(WAIT).until(() -> failures() >= 3);
        assertThat(this.reader.isRunning()).as("still trying, not dead").isTrue();
        assertThat(this.table.loaded()).isFalse();
        assertThat(this.reader.lastFailure()).contains("topic metadata", "no broker answered");

        this.reader.stop();
        assertThat(this.reader.isRunning()).isFalse();
        assertThat(consumer.closed()).isTrue();
    }

    private double failures() {
        return this.meters.get("crewstream.sse.table.read.failures").counter().count();
    }

    /** One empty partition per table topic, reachable only after the given number of timeouts. */
    private static final class FlakyConsumer extends MockConsumer<byte[], byte[]> {

        final AtomicInteger metadataTimeouts;

        final AtomicInteger offsetTimeouts;

        FlakyConsumer(int metadataTimeouts, int offsetTimeouts) {
            super("earliest");
            this.metadataTimeouts = new AtomicInteger(metadataTimeouts);
            this.offsetTimeouts = new AtomicInteger(offsetTimeouts);
            for (TableTopic table : TableTopic.values()) {
                String name = NAMESPACE.name(table.topic());
                updatePartitions(name, List.of(new PartitionInfo(name, 0, null, null, null)));
                TopicPartition partition = new TopicPartition(name, 0);
                updateBeginningOffsets(Map.of(partition, 0L));
                updateEndOffsets(Map.of(partition, 0L));
            }
        }

        @Override
        public List<PartitionInfo> partitionsFor(String topic, Duration timeout) {
            if (this.metadataTimeouts.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                throw new TimeoutException("no broker answered within " + timeout);
            }
            return super.partitionsFor(topic, timeout);
        }

        @Override
        public synchronized Map<TopicPartition, Long> endOffsets(java.util.Collection<TopicPartition> partitions) {
            if (this.offsetTimeouts.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                throw new TimeoutException("timed out fetching end offsets");
            }
            return super.endOffsets(partitions);
        }
    }
}

package io.crewstream.bench.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.testsupport.kafka.KafkaBroker;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;

/**
 * The floor under the pipeline: one produce → consume hop on the same broker, at the same rate, each record carrying
 * its send time. A bench-private topic, not part of the contract.
 *
 * <p>Threading: {@link #start} runs a producer thread and a consumer thread until {@link #stop}.
 */
public final class BareKafkaHop {

    private final KafkaBroker broker;

    private final String topic;

    private final Histogram latencyMicros = new Histogram(60_000_000L, 3);

    private volatile boolean running = true;

    private Thread producerThread;

    private Thread consumerThread;

    public BareKafkaHop(KafkaBroker broker, String prefix) {
        this.broker = broker;
        this.topic = prefix + "bench-bare-hop";
    }

    public void start(int perSecond) throws InterruptedException {
        this.broker.createTopics(List.of(new NewTopic(this.topic, 1, (short) 1)));
        Object ready = new Object();
        boolean[] assigned = new boolean[1];
        this.consumerThread = new Thread(() -> consume(ready, assigned), "bench-bare-consumer");
        this.consumerThread.start();
        synchronized (ready) {
            while (!assigned[0]) {
                ready.wait();
            }
        }
        this.producerThread = new Thread(() -> produce(perSecond), "bench-bare-producer");
        this.producerThread.start();
    }

    private void produce(int perSecond) {
        // linger.ms 0, like the pipeline's latency-sensitive producers: no batching delay in the floor either.
        try (KafkaProducer<Long, Long> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0), new LongSerializer(), new LongSerializer())) {
            Pacer.run(perSecond, () -> this.running,
                    i -> producer.send(new ProducerRecord<>(this.topic, i, BenchTimestamps.nowMicros())));
        }
    }

    private void consume(Object ready, boolean[] assigned) {
        try (KafkaConsumer<Long, Long> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new LongDeserializer(),
                new LongDeserializer())) {
            consumer.assign(List.of(new TopicPartition(this.topic, 0)));
            consumer.poll(Duration.ZERO);
            synchronized (ready) {
                assigned[0] = true;
                ready.notifyAll();
            }
            while (this.running) {
                for (ConsumerRecord<Long, Long> record : consumer.poll(Duration.ofMillis(100))) {
                    long now = BenchTimestamps.nowMicros();
                    synchronized (this.latencyMicros) {
                        this.latencyMicros.recordValue(Math.min(60_000_000L, Math.max(0, now - record.value())));
                    }
                }
            }
        }
    }

    /** Starts counting from now (drops the warm-up). */
    public void reset() {
        synchronized (this.latencyMicros) {
            this.latencyMicros.reset();
        }
    }

    public Histogram stop() throws InterruptedException {
        this.running = false;
        this.producerThread.join();
        this.consumerThread.join();
        synchronized (this.latencyMicros) {
            return this.latencyMicros.copy();
        }
    }
}

package io.crewstream.bench.load;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Plays the projector for the fan-out scenarios: writes {@link SessionState} records into the session-state table
 * with the contract's serdes and keys, each row stamped with its send time.
 *
 * <p>Threading: {@link #run} paces writes on the calling thread; the producer is thread-safe.
 */
public final class TableWriter implements AutoCloseable {

    public static final String CONNECTION_ID = "bench";

    public static final int PARTITIONS = 3;

    private final TopicNamespace namespace;

    private final KafkaProducer<String, SessionState> sessions;

    private final KafkaProducer<String, ConnectionState> connections;

    private final AtomicLong failures = new AtomicLong();

    private final int rowBytes;

    public TableWriter(String bootstrapServers, TopicNamespace namespace, int rowBytes) {
        this.namespace = namespace;
        this.rowBytes = rowBytes;
        // linger.ms 0: a benchmark of latency must not wait to fill batches.
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 0);
        this.sessions = new KafkaProducer<>(config, new StringSerializer(), ContractSerdes.sessionState());
        this.connections = new KafkaProducer<>(config, new StringSerializer(), ContractSerdes.connectionState());
    }

    public static void createTopics(KafkaBroker broker, TopicNamespace namespace) {
        // Every table the SSE gateway reads must exist before it starts, the activity and agent tables included
        // (written by nothing here: they stay empty).
        broker.createTopics(List.of(Topic.SESSION_STATE.newTopic(namespace, PARTITIONS, (short) 1),
                Topic.CONNECTION_STATE.newTopic(namespace, 1, (short) 1),
                Topic.SESSION_ACTIVITY.newTopic(namespace, 1, (short) 1),
                Topic.AGENT_STATE.newTopic(namespace, 1, (short) 1)));
    }

    /** Writes {@code count} sessions and a connected gateway, and waits until the broker has them all. */
    public void seed(int count) {
        long now = System.currentTimeMillis();
        ConnectionState connected = ConnectionState.of(CONNECTION_ID, UpstreamState.CONNECTED, null, null, now,
                "bench", null, null, null, "ws://127.0.0.1:0", now);
        this.connections.send(new ProducerRecord<>(this.namespace.name(Topic.CONNECTION_STATE), CONNECTION_ID,
                connected));
        for (int i = 0; i < count; i++) {
            send(i, 1, ChangeType.CREATED, -1);
        }
        this.sessions.flush();
        this.connections.flush();
    }

    /**
     * Updates sessions {@code 0..sessionCount-1} round robin at {@code perSecond} for {@code seconds}, stamping each
     * with its send time; returns how many were sent.
     */
    public long run(int sessionCount, double perSecond, double seconds) {
        long total = Pacer.run(perSecond, seconds, i -> send((int) (i % sessionCount), 2 + i / sessionCount,
                ChangeType.UPDATED, BenchTimestamps.nowMicros()));
        this.sessions.flush();
        return total;
    }

    /** Updates one session now, stamped with its send time; returns that time (µs since the epoch). */
    public long update(int index, long revision) {
        long now = BenchTimestamps.nowMicros();
        send(index, revision, ChangeType.UPDATED, now);
        this.sessions.flush();
        return now;
    }

    private void send(int index, long revision, ChangeType type, long sentAtMicros) {
        SessionState state = SessionState.of(CONNECTION_ID, type, revision, System.currentTimeMillis(),
                BenchRows.row(index, revision, this.rowBytes, sentAtMicros));
        this.sessions.send(new ProducerRecord<>(this.namespace.name(Topic.SESSION_STATE), state.key().format(),
                state), (metadata, failure) -> {
                    if (failure != null) {
                        this.failures.incrementAndGet();
                    }
                });
    }

    public long failures() {
        return this.failures.get();
    }

    @Override
    public void close() {
        this.sessions.close();
        this.connections.close();
    }
}

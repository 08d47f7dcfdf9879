package io.crewstream.bench.spike;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.SseSession;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * What both spikes share: the session-state table read as the gateway reads it (a consumer of every partition from
 * the beginning, the contract's serde), its rows, each poll's events encoded once, and the whole table as one
 * {@code sessions-refresh} encoded once per table version. {@link #join} and applying a poll are ordered by one
 * lock, which makes "initial state + live events" atomic: a stream that joins after poll {@code n} is told so and
 * skips polls up to {@code n}, however late their delivery reaches it.
 *
 * <p>Threading: {@link #run} blocks the calling thread (the Kafka thread) for good; {@link #join} and {@link #ready}
 * may be called from any thread.
 */
final class SpikeFeed {

    /**
     * Receives each poll on the Kafka thread, once it is applied; {@code frames} are released after it returns
     * (retain to keep).
     */
    interface Delivery {

        void deliver(long poll, List<String> keys, List<ByteBuf> frames);
    }

    private final boolean chunked;

    private final Object lock = new Object();

    /** The table's rows by key, in arrival order. Guarded by {@link #lock}. */
    private final Map<String, SseSession> rows = new LinkedHashMap<>();

    /** Polls applied so far. Guarded by {@link #lock}. */
    private long version;

    /** The refresh for {@link #refreshVersion}; guarded by {@link #lock}. */
    private ByteBuf refresh;

    /** The version {@link #refresh} was encoded at, -1 before the first; guarded by {@link #lock}. */
    private long refreshVersion = -1;

    private volatile boolean ready;

    /** @param chunked whether each frame carries its own HTTP chunk framing (no HTTP encoder on the way out) */
    SpikeFeed(boolean chunked) {
        this.chunked = chunked;
    }

    boolean ready() {
        return this.ready;
    }

    /** Reads the table to its end, prints {@code READY}, then hands every poll to {@code delivery}. Never returns. */
    void run(String bootstrapServers, String topic, Delivery delivery) {
        // read_committed: the table is the projector's transactional output; aborted rows were never facts.
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        try (KafkaConsumer<String, SessionState> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                ContractSerdes.sessionState().deserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (true) {
                ConsumerRecords<String, SessionState> records = consumer.poll(Duration.ofMillis(100));
                if (!records.isEmpty()) {
                    apply(records, delivery);
                }
                if (!this.ready && partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p))) {
                    this.ready = true;
                    System.out.println("READY");
                }
            }
        }
    }

    private void apply(ConsumerRecords<String, SessionState> records, Delivery delivery) {
        List<ByteBuf> frames = new ArrayList<>(records.count());
        try {
            List<String> keys = new ArrayList<>(records.count());
            List<SseSession> sessions = new ArrayList<>(records.count());
            for (ConsumerRecord<String, SessionState> record : records) {
                SessionState state = record.value();
                if (state == null) {
                    continue;
                }
                SseSession session = new SseSession(state.connectionId(), state.session());
                frames.add(frame(SseEventType.SESSION_UPDATED.eventName(), record.partition() + "-"
                        + record.offset(), ContractJson.mapper().writeValueAsBytes(session)));
                keys.add(record.key());
                sessions.add(session);
            }
            long poll;
            synchronized (this.lock) {
                for (int i = 0; i < keys.size(); i++) {
                    this.rows.put(keys.get(i), sessions.get(i));
                }
                poll = ++this.version;
            }
            // Outside the lock: a stream that joins from here on has this poll in its refresh and skips it; one that
            // joined before is registered already. One Kafka thread delivers, so polls go out in order.
            delivery.deliver(poll, keys, frames);
        }
        finally {
            frames.forEach(ByteBuf::release);
        }
    }

    /**
     * Joins a stream at the table as of now: {@code register} is called with the last poll its refresh contains,
     * under the lock (so no poll is delivered in between). Returns the refresh, retained for the caller.
     */
    ByteBuf join(LongConsumer register) {
        synchronized (this.lock) {
            if (this.refreshVersion != this.version) {
                if (this.refresh != null) {
                    this.refresh.release();
                }
                this.refresh = frame(SseEventType.SESSIONS_REFRESH.eventName(), "v" + this.version,
                        ContractJson.mapper().writeValueAsBytes(Map.of("sessions", this.rows.values())));
                this.refreshVersion = this.version;
            }
            register.accept(this.version);
            return this.refresh.retainedDuplicate();
        }
    }

    /** One SSE event, encoded once; as an HTTP chunk ({@code <hex size>\r\n…\r\n}) when the feed is chunked. */
    private ByteBuf frame(String event, String id, byte[] data) {
        byte[] head = ("event: " + event + "\nid: " + id + "\ndata: ").getBytes(StandardCharsets.UTF_8);
        int size = head.length + data.length + 2;
        byte[] chunkHead = this.chunked ? (Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.US_ASCII)
                : new byte[0];
        ByteBuf buffer = ByteBufAllocator.DEFAULT.directBuffer(chunkHead.length + size + (this.chunked ? 2 : 0));
        buffer.writeBytes(chunkHead).writeBytes(head).writeBytes(data).writeByte('\n').writeByte('\n');
        if (this.chunked) {
            buffer.writeByte('\r').writeByte('\n');
        }
        return buffer;
    }
}

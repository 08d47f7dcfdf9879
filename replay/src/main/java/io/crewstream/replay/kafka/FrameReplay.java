package io.crewstream.replay.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.TopicPartition;

/**
 * The raw upstream frames of one connection in a span of time, from the raw-frames topic, in the order the ingestor
 * received them: the connection's partition only, from the offset {@code offsetsForTimes} gives for the start (never
 * a scan from the beginning). Frames are handed over as the bytes stored, so that a JSON-lines replay copies them
 * without decoding; only a session filter decodes the frames that may match. Stateless.
 */
public final class FrameReplay {

    private FrameReplay() {
    }

    /** One stored frame: its offset, when the ingestor wrote it, and its {@link RawFrame} JSON as stored. Immutable. */
    public static final class Frame {

        private final long offset;

        private final Instant at;

        private final byte[] json;

        /** Already decoded by a session filter, so that the sink does not decode it again; null when not. */
        private final RawFrame decoded;

        Frame(long offset, Instant at, byte[] json, RawFrame decoded) {
            this.offset = offset;
            this.at = at;
            this.json = json;
            this.decoded = decoded;
        }

        public long offset() {
            return this.offset;
        }

        public Instant at() {
            return this.at;
        }

        public byte[] json() {
            return this.json;
        }

        /** @throws io.crewstream.schemas.ContractViolationException when the stored record is not a frame */
        public RawFrame decode() {
            return this.decoded != null ? this.decoded : ContractSerdes.rawFrames().deserialize(null, this.json);
        }
    }

    /** Takes frames in order; answers false to stop. Called on the replaying thread. */
    @FunctionalInterface
    public interface Sink {
        boolean accept(Frame frame);
    }

    /**
     * @param to the end of the span, inclusive; null for up to the newest frame at the time of the call
     * @param sessionKey when not null, only frames that name this session (a {@code sessions.changed} event about
     *     it, a {@code sessions.list} answer listing it, ...)
     */
    public static void frames(TopicAccess kafka, String connectionId, Instant from, Instant to, String sessionKey,
            Sink sink) {
        TopicPartition partition = kafka.partitionOf(Topic.RAW_FRAMES, connectionId);
        long start = kafka.offsetAt(partition, from);
        long end = to == null ? kafka.end(partition) : kafka.offsetAt(partition, to.plusMillis(1));
        byte[] key = connectionId.getBytes(StandardCharsets.UTF_8);
        byte[] sessionBytes = sessionKey == null ? null : sessionKey.getBytes(StandardCharsets.UTF_8);
        String quotedSession = sessionKey == null ? null : "\"" + sessionKey + "\"";
        long fromMillis = from.toEpochMilli();
        long toMillis = to == null ? Long.MAX_VALUE : to.toEpochMilli();
        kafka.scan(partition, start, end, record -> {
            if (record.timestamp() < fromMillis || record.timestamp() > toMillis
                    || !java.util.Arrays.equals(key, record.key()) || record.value() == null) {
                return true;
            }
            RawFrame decoded = null;
            if (sessionBytes != null) {
                decoded = contains(record.value(), sessionBytes) ? naming(record.value(), quotedSession) : null;
                if (decoded == null) {
                    return true;
                }
            }
            return sink.accept(new Frame(record.offset(), Instant.ofEpochMilli(record.timestamp()), record.value(),
                    decoded));
        });
    }

    /** The frame, when it names the session; null when it does not or is not a frame. */
    private static RawFrame naming(byte[] json, String quotedSession) {
        try {
            RawFrame frame = ContractSerdes.rawFrames().deserialize(null, json);
            return frame.text().contains(quotedSession) ? frame : null;
        }
        catch (ContractViolationException ex) {
            return null;
        }
    }

    /** Whether {@code haystack} holds {@code needle}: a cheap test before decoding. */
    static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}

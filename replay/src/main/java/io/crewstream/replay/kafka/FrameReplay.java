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

    /** One stored frame: its offset, when the ingestor wrote it, and its {@link RawFrame} JSON as stored. */
    public record Frame(long offset, Instant at, byte[] json) {

        public RawFrame decode() {
            return ContractSerdes.rawFrames().deserialize(null, this.json);
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
            if (sessionBytes != null && !(contains(record.value(), sessionBytes)
                    && names(record.value(), quotedSession))) {
                return true;
            }
            return sink.accept(new Frame(record.offset(), Instant.ofEpochMilli(record.timestamp()), record.value()));
        });
    }

    private static boolean names(byte[] json, String quotedSession) {
        try {
            return ContractSerdes.rawFrames().deserialize(null, json).text().contains(quotedSession);
        }
        catch (ContractViolationException ex) {
            return false;
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

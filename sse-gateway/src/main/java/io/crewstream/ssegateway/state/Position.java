package io.crewstream.ssegateway.state;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a reader of the two tables stands: for every partition of the session-state and the connection-state topic,
 * the offset of the next record to apply. Every gateway instance reads the same topics from the beginning, so a
 * position means the same on every instance; that is what makes it a resume token valid anywhere.
 *
 * <p>Text form: {@code v1.<session offsets>.<connection offsets>}, each list base-36 offsets joined by {@code -} in
 * partition order, e.g. {@code v1.0-2s-a.3}. Immutable.
 */
public final class Position {

    private static final String VERSION = "v1";

    /** 13 base-36 digits hold any offset ({@code Long.MAX_VALUE} is {@code 1y2p0ij32e8e7}). */
    private static final int MAX_DIGITS = 13;

    /**
     * A token longer than this is garbage, whatever it contains: the version and 4,096 partitions in all, each the
     * largest offset and its separator.
     */
    public static final int MAX_LENGTH = VERSION.length() + (MAX_DIGITS + 1) * 4096;

    private final long[] sessionOffsets;
    private final long[] connectionOffsets;

    private Position(long[] sessionOffsets, long[] connectionOffsets) {
        this.sessionOffsets = sessionOffsets;
        this.connectionOffsets = connectionOffsets;
    }

    public static Position of(long[] sessionOffsets, long[] connectionOffsets) {
        return new Position(sessionOffsets.clone(), connectionOffsets.clone());
    }

    /**
     * Reads a token a client sent back. Anything that is not a token this code wrote (garbage, a truncated value,
     * a negative or overflowing offset, an empty list) is empty: the caller then serves a full refresh rather than
     * an error. A single pass over the characters, without regular expressions: its cost is linear in the length,
     * and no length a client sends can overflow the stack.
     */
    public static Optional<Position> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH || !text.startsWith(VERSION + ".")) {
            return Optional.empty();
        }
        int secondDot = text.indexOf('.', VERSION.length() + 1);
        if (secondDot < 0) {
            return Optional.empty();
        }
        long[] sessions = offsets(text, VERSION.length() + 1, secondDot);
        long[] connections = offsets(text, secondDot + 1, text.length());
        return (sessions == null || connections == null) ? Optional.empty()
                : Optional.of(new Position(sessions, connections));
    }

    /** The offsets of {@code text[from, to)}: base-36 numbers joined by '-'; null unless exactly that. */
    private static long[] offsets(String text, int from, int to) {
        if (from >= to) {
            return null;
        }
        int count = 1;
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == '-') {
                count++;
            }
        }
        long[] offsets = new long[count];
        int item = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || text.charAt(i) == '-') {
                long offset = offset(text, start, i);
                if (offset < 0) {
                    return null;
                }
                offsets[item++] = offset;
                start = i + 1;
            }
        }
        return offsets;
    }

    /** One base-36 offset of lower-case digits and letters in {@code text[from, to)}; -1 unless exactly that. */
    private static long offset(String text, int from, int to) {
        if (from >= to || to - from > MAX_DIGITS) {
            return -1;
        }
        long value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            int digit = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'z') ? c - 'a' + 10 : -1;
            if (digit < 0 || value > (Long.MAX_VALUE - digit) / Character.MAX_RADIX) {
                return -1;
            }
            value = value * Character.MAX_RADIX + digit;
        }
        return value;
    }

    public long offset(TableTopic topic, int partition) {
        return offsets(topic)[partition];
    }

    public int partitions(TableTopic topic) {
        return offsets(topic).length;
    }

    /** Whether both positions describe topics with the same partition counts. */
    public boolean sameShapeAs(Position other) {
        return this.sessionOffsets.length == other.sessionOffsets.length
                && this.connectionOffsets.length == other.connectionOffsets.length;
    }

    /** This position advanced past the record at {@code offset}. */
    Position after(TableTopic topic, int partition, long offset) {
        long[] sessions = this.sessionOffsets;
        long[] connections = this.connectionOffsets;
        if (topic == TableTopic.SESSIONS) {
            sessions = sessions.clone();
            sessions[partition] = Math.max(sessions[partition], offset + 1);
        }
        else {
            connections = connections.clone();
            connections[partition] = Math.max(connections[partition], offset + 1);
        }
        return new Position(sessions, connections);
    }

    /** The later offset of the two for every partition; both must have the same shape. */
    Position max(Position other) {
        long[] sessions = this.sessionOffsets.clone();
        long[] connections = this.connectionOffsets.clone();
        for (int i = 0; i < sessions.length; i++) {
            sessions[i] = Math.max(sessions[i], other.sessionOffsets[i]);
        }
        for (int i = 0; i < connections.length; i++) {
            connections[i] = Math.max(connections[i], other.connectionOffsets[i]);
        }
        return new Position(sessions, connections);
    }

    private long[] offsets(TableTopic topic) {
        return topic == TableTopic.SESSIONS ? this.sessionOffsets : this.connectionOffsets;
    }

    /** The token form. */
    public String token() {
        return VERSION + "." + join(this.sessionOffsets) + "." + join(this.connectionOffsets);
    }

    private static String join(long[] offsets) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < offsets.length; i++) {
            text.append(i == 0 ? "" : "-").append(Long.toString(offsets[i], Character.MAX_RADIX));
        }
        return text.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Position position && Arrays.equals(this.sessionOffsets, position.sessionOffsets)
                && Arrays.equals(this.connectionOffsets, position.connectionOffsets);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(this.sessionOffsets) + Arrays.hashCode(this.connectionOffsets);
    }

    @Override
    public String toString() {
        return token();
    }
}

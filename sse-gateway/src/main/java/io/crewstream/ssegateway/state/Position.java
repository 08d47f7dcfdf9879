package io.crewstream.ssegateway.state;

import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

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

    private static final Pattern SHAPE = Pattern.compile(VERSION + "\\.[0-9a-z]+(-[0-9a-z]+)*\\.[0-9a-z]+(-[0-9a-z]+)*");

    /** A token longer than this is garbage, whatever it contains (13 base-36 digits hold any offset). */
    private static final int MAX_LENGTH = 14 * 4096;

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
     * a negative offset) is empty: the caller then serves a full refresh rather than an error.
     */
    public static Optional<Position> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH || !SHAPE.matcher(text).matches()) {
            return Optional.empty();
        }
        String[] parts = text.split("\\.");
        try {
            return Optional.of(new Position(offsets(parts[1]), offsets(parts[2])));
        }
        catch (NumberFormatException ex) {
            return Optional.empty();
        }
    }

    private static long[] offsets(String list) {
        String[] items = list.split("-");
        long[] offsets = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            offsets[i] = Long.parseLong(items[i], Character.MAX_RADIX);
        }
        return offsets;
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

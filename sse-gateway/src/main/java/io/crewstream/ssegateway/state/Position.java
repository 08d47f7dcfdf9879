package io.crewstream.ssegateway.state;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a reader of the tables stands: for every partition of each {@link TableTopic} (session state, connection
 * state, session activity, agent state), the offset of the next record to apply. Every gateway instance reads the same
 * topics from the beginning, so a position means the same on every instance; that is what makes it a resume token
 * valid anywhere.
 *
 * <p>Text form: {@code v2.<session offsets>.<connection offsets>.<activity offsets>.<agent offsets>}, each list
 * base-36 offsets joined by {@code -} in partition order, e.g. {@code v2.0-2s-a.3.1k-0.5}. A token of the format
 * before the activity and agent tables ({@code v1.<session offsets>.<connection offsets>}, issued by older
 * instances) is still read: it names no position of these topics, so it never has the shape of a current position
 * and is answered with the whole state, like any token that cannot be answered exactly, not as garbage. Immutable.
 */
public final class Position {

    private static final String VERSION = "v2";

    /** The format of instances that served only the session and connection tables. */
    private static final String VERSION_1 = "v1";

    private static final int VERSION_1_LISTS = 2;

    private static final int LISTS = TableTopic.values().length;

    /** 13 base-36 digits hold any offset ({@code Long.MAX_VALUE} is {@code 1y2p0ij32e8e7}). */
    private static final int MAX_DIGITS = 13;

    /**
     * A token longer than this is garbage, whatever it contains: the version and 4,096 partitions in all, each the
     * largest offset and its separator.
     */
    public static final int MAX_LENGTH = VERSION.length() + (MAX_DIGITS + 1) * 4096;

    /** One list of offsets per table topic, in {@link TableTopic} order (two lists for a v1 token). */
    private final long[][] offsets;

    private Position(long[][] offsets) {
        this.offsets = offsets;
    }

    /** A position given the offsets of every {@link TableTopic}, in its order. */
    public static Position of(long[]... offsetsByTopic) {
        if (offsetsByTopic.length != LISTS) {
            throw new IllegalArgumentException("a position needs the offsets of " + LISTS + " topics, not "
                    + offsetsByTopic.length);
        }
        long[][] copy = new long[LISTS][];
        for (int i = 0; i < LISTS; i++) {
            copy[i] = offsetsByTopic[i].clone();
        }
        return new Position(copy);
    }

    /**
     * Reads a token a client sent back. Anything that is not a token this code or its v1 predecessor wrote (garbage,
     * a truncated value, a negative or overflowing offset, an empty list, the wrong number of lists) is empty: the
     * caller then serves a full refresh rather than an error. A single pass over the characters, without regular
     * expressions: its cost is linear in the length, and no length a client sends can overflow the stack.
     */
    public static Optional<Position> parse(String text) {
        if (text == null || text.length() > MAX_LENGTH) {
            return Optional.empty();
        }
        int lists;
        if (text.startsWith(VERSION + ".")) {
            lists = LISTS;
        }
        else if (text.startsWith(VERSION_1 + ".")) {
            lists = VERSION_1_LISTS;
        }
        else {
            return Optional.empty();
        }
        long[][] offsets = new long[lists][];
        int from = text.indexOf('.') + 1;
        for (int list = 0; list < lists; list++) {
            int dot = text.indexOf('.', from);
            boolean last = list == lists - 1;
            if (last != (dot < 0)) {
                // Fewer or more lists than the version has.
                return Optional.empty();
            }
            int to = last ? text.length() : dot;
            offsets[list] = offsets(text, from, to);
            if (offsets[list] == null) {
                return Optional.empty();
            }
            from = to + 1;
        }
        return Optional.of(new Position(offsets));
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
        return this.offsets[topic.ordinal()][partition];
    }

    public int partitions(TableTopic topic) {
        return this.offsets[topic.ordinal()].length;
    }

    /** Whether both positions describe the same topics with the same partition counts. */
    public boolean sameShapeAs(Position other) {
        if (this.offsets.length != other.offsets.length) {
            return false;
        }
        for (int i = 0; i < this.offsets.length; i++) {
            if (this.offsets[i].length != other.offsets[i].length) {
                return false;
            }
        }
        return true;
    }

    /** This position advanced past the record at {@code offset}. */
    Position after(TableTopic topic, int partition, long offset) {
        long[][] advanced = this.offsets.clone();
        long[] partitions = advanced[topic.ordinal()].clone();
        partitions[partition] = Math.max(partitions[partition], offset + 1);
        advanced[topic.ordinal()] = partitions;
        return new Position(advanced);
    }

    /** The later offset of the two for every partition; both must have the same shape. */
    Position max(Position other) {
        long[][] later = new long[this.offsets.length][];
        for (int list = 0; list < later.length; list++) {
            later[list] = this.offsets[list].clone();
            for (int i = 0; i < later[list].length; i++) {
                later[list][i] = Math.max(later[list][i], other.offsets[list][i]);
            }
        }
        return new Position(later);
    }

    /** The token form. */
    public String token() {
        StringBuilder text = new StringBuilder(this.offsets.length == LISTS ? VERSION : VERSION_1);
        for (long[] list : this.offsets) {
            text.append('.').append(join(list));
        }
        return text.toString();
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
        return other instanceof Position position && Arrays.deepEquals(this.offsets, position.offsets);
    }

    @Override
    public int hashCode() {
        return Arrays.deepHashCode(this.offsets);
    }

    @Override
    public String toString() {
        return token();
    }
}

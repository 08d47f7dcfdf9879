package io.crewstream.ssegateway.state;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PositionTest {

    private static final long[] ONE_EMPTY = { 0 };

    @Test
    void tokenRoundTripsThroughItsTextFormWithEveryTableTopicInOrder() {
        Position position = Position.of(new long[] { 0, 1_234_567_890_123L, 35 }, new long[] { 7 },
                new long[] { 1, 2 }, new long[] { 36 });
        assertThat(position.token()).isEqualTo("v2.0-fr5hugnf-z.7.1-2.10");
        assertThat(Position.parse(position.token())).hasValue(position);
    }

    @Test
    void aTokenFromBeforeTheActivityAndAgentTablesIsReadButNeverHasTheShapeOfACurrentPosition() {
        Position current = Position.of(new long[] { 0, 5 }, new long[] { 3 }, ONE_EMPTY, ONE_EMPTY);
        // What an instance serving only the session and connection tables issued: not garbage, but it names no
        // offset of the new tables, so it can only be answered with the whole state.
        assertThat(Position.parse("v1.0-5.3")).hasValueSatisfying(old -> {
            assertThat(old.sameShapeAs(current)).isFalse();
            assertThat(current.sameShapeAs(old)).isFalse();
            assertThat(old.token()).isEqualTo("v1.0-5.3");
        });
    }

    @Test
    void anythingThatIsNotATokenThisCodeOrItsPredecessorWroteIsNoToken() {
        for (String garbage : List.of("", " ", "garbage", "v1", "v1..", "v1.0.", "v1.0-.0", "V1.0.0", "v1.0.0.0",
                "v1.0.0.0.0", "v1.-1.0", "v1.0 .0", "v1.zzzzzzzzzzzzzz.0", "v1.0.0\n", "v2", "v2.0.0", "v2.0.0.0",
                "v2.0.0.0.0.0", "v2.0.0..0", "v2.0.0.0.", "v3.0.0.0.0", "V2.0.0.0.0", "v2.0.0.0.0\n",
                "v1." + "0-".repeat(40_000) + "0.0")) {
            assertThat(Position.parse(garbage)).as(garbage).isEmpty();
        }
        assertThat(Position.parse(null)).isEmpty();
    }

    @Test
    void theLargestTokenThisCodeCanWriteIsReadBack() {
        long[] largest = new long[1024];
        java.util.Arrays.fill(largest, Long.MAX_VALUE);
        Position position = Position.of(largest, largest, largest, largest);
        assertThat(position.token().length()).isLessThanOrEqualTo(Position.MAX_LENGTH);
        assertThat(Position.parse(position.token())).hasValue(position);
        assertThat(Position.parse("v2.1y2p0ij32e8e7.0.0.0")).as("Long.MAX_VALUE")
                .hasValue(Position.of(new long[] { Long.MAX_VALUE }, ONE_EMPTY, ONE_EMPTY, ONE_EMPTY));
    }

    @Test
    void anOffsetBeyondALongIsNoToken() {
        assertThat(Position.parse("v2.1y2p0ij32e8e8.0.0.0")).isEmpty();
        assertThat(Position.parse("v2.0.0.0.zzzzzzzzzzzzz")).isEmpty();
    }

    @Test
    void aTokenOfManyPartitionsIsReadInOnePassWithoutRecursion() {
        // 20,000 partitions: far beyond what recursion-based parsing survives on a small thread stack.
        String offsets = String.join("-", java.util.Collections.nCopies(20_000, "0"));
        Thread small = new Thread(null, () -> assertThat(Position.parse("v2." + offsets + ".0.0.0")).isPresent(),
                "small-stack", 128 * 1024);
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        small.setUncaughtExceptionHandler((thread, error) -> failure.set(error));
        small.start();
        try {
            small.join();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        assertThat(failure.get()).isNull();
    }

    @Test
    void advancingMovesOnlyTheRecordsPartitionAndNeverBackwards() {
        Position start = Position.of(new long[] { 0, 0 }, ONE_EMPTY, ONE_EMPTY, new long[] { 0, 0 });
        Position next = start.after(TableTopic.SESSIONS, 1, 41);
        assertThat(next.token()).isEqualTo("v2.0-16.0.0.0-0");
        assertThat(next.after(TableTopic.SESSIONS, 1, 3)).isEqualTo(next);
        assertThat(start.token()).as("immutable").isEqualTo("v2.0-0.0.0.0-0");
        assertThat(next.after(TableTopic.CONNECTIONS, 0, 0).token()).isEqualTo("v2.0-16.1.0.0-0");
        assertThat(next.after(TableTopic.ACTIVITY, 0, 9).token()).isEqualTo("v2.0-16.0.a.0-0");
        assertThat(next.after(TableTopic.AGENTS, 1, 0).token()).isEqualTo("v2.0-16.0.0.0-1");
    }
}

package io.crewstream.ssegateway.state;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PositionTest {

    @Test
    void tokenRoundTripsThroughItsTextForm() {
        Position position = Position.of(new long[] { 0, 1_234_567_890_123L, 35 }, new long[] { 7 });
        assertThat(position.token()).isEqualTo("v1.0-fr5hugnf-z.7");
        assertThat(Position.parse(position.token())).hasValue(position);
    }

    @Test
    void anythingThatIsNotATokenThisCodeWroteIsNoToken() {
        for (String garbage : List.of("", " ", "garbage", "v1", "v1..", "v1.0.", "v1.0-.0", "v2.0.0", "V1.0.0",
                "v1.0.0.0", "v1.-1.0", "v1.0 .0", "v1.zzzzzzzzzzzzzz.0", "v1.0.0\n", "v1." + "0-".repeat(40_000) + "0.0")) {
            assertThat(Position.parse(garbage)).as(garbage).isEmpty();
        }
        assertThat(Position.parse(null)).isEmpty();
    }

    @Test
    void theLargestTokenThisCodeCanWriteIsReadBack() {
        long[] largest = new long[2048];
        java.util.Arrays.fill(largest, Long.MAX_VALUE);
        Position position = Position.of(largest, largest);
        assertThat(position.token().length()).isLessThanOrEqualTo(Position.MAX_LENGTH);
        assertThat(Position.parse(position.token())).hasValue(position);
        assertThat(Position.parse("v1.1y2p0ij32e8e7.0")).as("Long.MAX_VALUE")
                .hasValue(Position.of(new long[] { Long.MAX_VALUE }, new long[] { 0 }));
    }

    @Test
    void anOffsetBeyondALongIsNoToken() {
        assertThat(Position.parse("v1.1y2p0ij32e8e8.0")).isEmpty();
        assertThat(Position.parse("v1.zzzzzzzzzzzzz.0")).isEmpty();
    }

    @Test
    void aTokenOfManyPartitionsIsReadInOnePassWithoutRecursion() {
        // 20,000 partitions: far beyond what recursion-based parsing survives on a small thread stack.
        String offsets = String.join("-", java.util.Collections.nCopies(20_000, "0"));
        Thread small = new Thread(null, () -> assertThat(Position.parse("v1." + offsets + ".0")).isPresent(),
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
        Position start = Position.of(new long[] { 0, 0 }, new long[] { 0 });
        Position next = start.after(TableTopic.SESSIONS, 1, 41);
        assertThat(next.token()).isEqualTo("v1.0-16.0");
        assertThat(next.after(TableTopic.SESSIONS, 1, 3)).isEqualTo(next);
        assertThat(start.token()).as("immutable").isEqualTo("v1.0-0.0");
        assertThat(next.after(TableTopic.CONNECTIONS, 0, 0).token()).isEqualTo("v1.0-16.1");
    }
}

package io.crewstream.bench.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BenchTimestampsTest {

    @Test
    void extractsTheStampFromARow() {
        assertThat(BenchTimestamps.extract("{\"key\":\"k\",\"benchSentAtMicros\": 1234,\"x\":1}")).isEqualTo(1234);
    }

    @Test
    void aRowWithoutStampHasNone() {
        assertThat(BenchTimestamps.extract("{\"key\":\"k\",\"updatedAt\":1234}")).isEqualTo(-1);
        assertThat(BenchTimestamps.extract("{\"benchSentAtMicros\":null}")).isEqualTo(-1);
    }

    @Test
    void nowIsInMicrosecondsSinceTheEpoch() {
        long millis = System.currentTimeMillis();

        assertThat(BenchTimestamps.nowMicros() / 1000).isBetween(millis - 60_000, millis + 60_000);
    }
}

package io.crewstream.streams;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadFailuresTest {

    @Test
    void countsFailuresAndKeepsTheTimeOfTheLastByTheInjectedClock() {
        ThreadFailures failures = new ThreadFailures(Clock.fixed(Instant.ofEpochMilli(42_000), ZoneOffset.UTC));
        assertThat(failures.count()).isZero();
        assertThat(failures.lastMillis()).isEqualTo(Long.MIN_VALUE);

        failures.record();
        failures.record();

        assertThat(failures.count()).isEqualTo(2);
        assertThat(failures.lastMillis()).isEqualTo(42_000);
    }
}

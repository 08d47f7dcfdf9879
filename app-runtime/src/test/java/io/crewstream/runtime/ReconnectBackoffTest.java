package io.crewstream.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ReconnectBackoffTest {

    @Test
    void ceilingDoublesFromTheInitialDelayUpToTheMaximumAndDrawsUnderIt() {
        List<Long> bounds = new ArrayList<>();
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), bound -> {
            bounds.add(bound);
            return bound / 2;
        });

        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            delays.add(backoff.next());
        }

        assertThat(bounds).containsExactly(1000L, 2000L, 4000L, 8000L, 16000L, 30000L, 30000L, 30000L);
        assertThat(delays.get(0)).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void resetAfterASuccessfulConnectStartsOverFromTheInitialDelay() {
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), bound -> bound);
        backoff.next();
        backoff.next();
        backoff.next();

        backoff.reset();

        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void manyFailuresNeverOverflowTheCeiling() {
        ReconnectBackoff backoff = new ReconnectBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), bound -> bound);
        for (int i = 0; i < 10_000; i++) {
            backoff.next();
        }
        assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void withJitterDrawsEveryDelayBetweenZeroAndTheCeiling() {
        ReconnectBackoff backoff = ReconnectBackoff.withJitter(Duration.ofMillis(10), Duration.ofMillis(40));
        for (int i = 0; i < 1_000; i++) {
            long ceiling = backoff.nextCeilingMs();
            assertThat(backoff.next().toMillis()).isBetween(0L, ceiling);
        }
        assertThat(backoff.nextCeilingMs()).isEqualTo(40);
    }

    @Test
    void refusesAnInitialDelayAboveTheMaximum() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> ReconnectBackoff.withJitter(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}

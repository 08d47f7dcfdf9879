package io.crewstream.ssegateway.security;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.crewstream.testsupport.time.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The sliding window of grants per subject, on a clock the test moves. */
class RatePerSubjectTest {

    private static final Duration MINUTE = Duration.ofMinutes(1);

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T10:00:00Z"));

    private final RatePerSubject rate = new RatePerSubject(3, MINUTE, this.clock);

    private boolean granted(String subject) {
        return this.rate.acquire(subject) instanceof RatePerSubject.Granted;
    }

    private Duration refusedFor(String subject) {
        RatePerSubject.Decision decision = this.rate.acquire(subject);
        assertThat(decision).isInstanceOf(RatePerSubject.Refused.class);
        return ((RatePerSubject.Refused) decision).retryAfter();
    }

    @Test
    void aSubjectGetsTheLimitPerWindowAndAnotherSubjectIsUnaffected() {
        assertThat(granted("alice")).isTrue();
        assertThat(granted("alice")).isTrue();
        assertThat(granted("alice")).isTrue();
        assertThat(granted("alice")).isFalse();
        assertThat(granted("bob")).isTrue();
    }

    @Test
    void theWindowSlidesOneMoreIsGrantedWhenTheOldestGrantIsAWindowOldAndRetryAfterSaysWhen() {
        granted("alice");
        this.clock.advance(Duration.ofSeconds(20));
        granted("alice");
        granted("alice");
        this.clock.advance(Duration.ofMillis(10_500));

        assertThat(refusedFor("alice")).as("the oldest is 30.5 s old: 29.5 s to go, rounded up")
                .isEqualTo(Duration.ofSeconds(30));
        this.clock.advance(Duration.ofMillis(29_499));
        assertThat(granted("alice")).isFalse();
        this.clock.advance(Duration.ofMillis(1));
        assertThat(granted("alice")).isTrue();
        assertThat(refusedFor("alice")).as("now the second grant, at 20 s, is the oldest")
                .isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void refusalsAreNotCountedSoAClientRetryingEarlyWaitsNoLonger() {
        granted("alice");
        granted("alice");
        granted("alice");
        for (int i = 0; i < 100; i++) {
            this.clock.advance(Duration.ofMillis(500));
            granted("alice");
        }
        this.clock.advance(Duration.ofSeconds(10));
        assertThat(granted("alice")).isTrue();
    }

    @Test
    void retryAfterIsAtLeastASecondAndNeverMoreThanTheWindowEvenWithTheClockSetBack() {
        granted("alice");
        granted("alice");
        granted("alice");
        this.clock.advance(MINUTE.minusMillis(1));
        assertThat(refusedFor("alice")).isEqualTo(Duration.ofSeconds(1));

        this.clock.advance(Duration.ofHours(-1));
        assertThat(refusedFor("alice")).isEqualTo(MINUTE);
    }

    @Test
    void subjectsNotSeenForAWindowAreForgottenSoTheyDoNotAccumulate() {
        for (int i = 0; i < 1_000; i++) {
            granted("subject-" + i);
        }
        assertThat(this.rate.subjects()).isEqualTo(1_000);

        this.clock.advance(MINUTE);
        granted("late");

        assertThat(this.rate.subjects()).as("only the subject granted within the last window").isEqualTo(1);
    }

    @Test
    void aSweepForgetsOnlySubjectsWithNothingLeftInTheirWindow() {
        granted("alice");
        this.clock.advance(Duration.ofSeconds(59));
        granted("bob");
        granted("bob");
        granted("bob");
        this.clock.advance(Duration.ofSeconds(2));

        granted("carol");

        assertThat(this.rate.subjects()).as("alice forgotten; bob and carol kept").isEqualTo(2);
        assertThat(granted("bob")).as("bob's grants survived the sweep").isFalse();
    }

    @Test
    void limitZeroGrantsEverythingAndKeepsNothing() {
        RatePerSubject off = new RatePerSubject(0, MINUTE, this.clock);
        for (int i = 0; i < 1_000; i++) {
            assertThat(off.acquire("alice")).isInstanceOf(RatePerSubject.Granted.class);
        }
        assertThat(off.subjects()).isZero();
    }

    @Test
    void concurrentCallersOfOneSubjectGetExactlyTheLimit() throws Exception {
        RatePerSubject wide = new RatePerSubject(50, MINUTE, this.clock);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> callers = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                callers.add(() -> {
                    int grants = 0;
                    for (int i = 0; i < 100; i++) {
                        grants += (wide.acquire("alice") instanceof RatePerSubject.Granted) ? 1 : 0;
                    }
                    return grants;
                });
            }
            int total = 0;
            for (Future<Integer> result : threads.invokeAll(callers)) {
                total += result.get();
            }
            assertThat(total).isEqualTo(50);
        }
        finally {
            threads.shutdownNow();
        }
    }
}

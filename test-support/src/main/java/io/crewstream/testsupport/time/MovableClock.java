package io.crewstream.testsupport.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until the test moves it, for specifying time-based rules in milliseconds. Thread-safe:
 * the time is a volatile field, so code under test may read it on its own threads.
 */
public final class MovableClock extends Clock {

    private volatile long millis;

    public MovableClock(Instant start) {
        this.millis = start.toEpochMilli();
    }

    /** Sets the time to {@code epochMillis}. */
    public void at(long epochMillis) {
        this.millis = epochMillis;
    }

    public void advance(Duration duration) {
        this.millis += duration.toMillis();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public long millis() {
        return this.millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(this.millis);
    }
}

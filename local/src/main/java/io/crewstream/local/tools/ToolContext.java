package io.crewstream.local.tools;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Instant;

import io.crewstream.replay.Replay;
import io.crewstream.replay.time.TimeExpression;

/**
 * What a command works with: the replay engine on the chosen Kafka, where its answer goes (standard output) and
 * where notes go (standard error), the clock that relative times count from, and how it waits (pacing a replay).
 */
record ToolContext(Replay replay, PrintStream out, PrintStream err, Clock clock, Sleeper sleeper) {

    /** Waits; a seam so that pacing can be specified without waiting. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(long millis) throws InterruptedException;
    }

    Instant time(String text) {
        return TimeExpression.parse(text, this.clock);
    }
}

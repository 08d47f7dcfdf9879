package io.crewstream.local.tools;

import java.time.Instant;

/**
 * Paces a replay: with a speed of 1 (or 10), each frame is let out at its original spacing (a tenth of it) after
 * the first; with speed 0 ({@code max}), at once. Not thread-safe: one replay.
 */
final class Pacer {

    private final double speed;

    private final ToolContext.Sleeper sleeper;

    private final java.time.Clock clock;

    private Instant firstFrame;

    private long startedAtMillis;

    /** @param speed how many times faster than real time; 0 for as fast as possible */
    Pacer(double speed, ToolContext.Sleeper sleeper, java.time.Clock clock) {
        this.speed = speed;
        this.sleeper = sleeper;
        this.clock = clock;
    }

    /** Waits until the frame written at {@code at} is due. */
    void await(Instant at) throws InterruptedException {
        if (this.speed <= 0) {
            return;
        }
        if (this.firstFrame == null) {
            this.firstFrame = at;
            this.startedAtMillis = this.clock.millis();
            return;
        }
        long due = this.startedAtMillis + Math.round((at.toEpochMilli() - this.firstFrame.toEpochMilli()) / this.speed);
        long wait = due - this.clock.millis();
        if (wait > 0) {
            this.sleeper.sleep(wait);
        }
    }

    /** {@code 1x}, {@code 10x}, {@code 2.5x} or {@code max}. */
    static double parseSpeed(String text) {
        if (text.equals("max")) {
            return 0;
        }
        try {
            double speed = Double.parseDouble(text.endsWith("x") ? text.substring(0, text.length() - 1) : text);
            if (speed > 0 && speed <= 1_000_000) {
                return speed;
            }
        }
        catch (NumberFormatException ex) {
            // Answered below.
        }
        throw new io.crewstream.local.cli.UsageException("--speed must be 1x, 10x (any positive factor) or max, not '"
                + text + "'");
    }
}

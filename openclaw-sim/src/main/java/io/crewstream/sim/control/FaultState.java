package io.crewstream.sim.control;

import java.time.Duration;

/**
 * The switches of the faults that change how the gateway answers, read by the server on every frame.
 *
 * <p>Threading: thread-safe; every switch is a volatile field written by the control thread and read by Jetty and
 * scheduler threads. Switches are independent, so no lock is needed.
 */
public final class FaultState {

    private volatile boolean silent;
    private volatile boolean rejectAuth;
    private volatile Duration responseDelay = Duration.ZERO;
    private volatile Duration startingRetryAfter;

    /** No {@code tick} events while silent; sockets stay open and requests are still answered. */
    public boolean silent() {
        return silent;
    }

    public boolean rejectAuth() {
        return rejectAuth;
    }

    public Duration responseDelay() {
        return responseDelay;
    }

    /** Non-null while the gateway pretends to be starting: connects fail with UNAVAILABLE and close 1013. */
    public Duration startingRetryAfter() {
        return startingRetryAfter;
    }

    void silent(boolean value) {
        silent = value;
    }

    void rejectAuth(boolean value) {
        rejectAuth = value;
    }

    void responseDelay(Duration value) {
        responseDelay = value;
    }

    void startingRetryAfter(Duration value) {
        startingRetryAfter = value;
    }
}

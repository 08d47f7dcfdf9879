package io.crewstream.sim.control;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Breaks the simulated gateway on purpose. Each method's Javadoc says what a client sees.
 *
 * <p>Threading: thread-safe; callable from any thread. {@link #restart} completes its future on the simulator's
 * scheduler thread.
 */
public final class Faults {

    private final FaultState state;
    private final GatewayOperations gateway;
    private final ScheduledExecutorService scheduler;

    public Faults(FaultState state, GatewayOperations gateway, ScheduledExecutorService scheduler) {
        this.state = state;
        this.gateway = gateway;
        this.scheduler = scheduler;
    }

    /** Every socket dies without a close frame: clients see close code 1006. */
    public void dropAllConnections() {
        gateway.dropAllConnections();
    }

    /** Ticks stop, sockets stay open: a client's tick watchdog must fire. */
    public void goSilent() {
        state.silent(true);
    }

    public void resumeTicks() {
        state.silent(false);
    }

    /** The next event on every socket jumps {@code count} sequence numbers: clients see a {@code seq} gap. */
    public void skipSeq(int count) {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, got " + count);
        }
        gateway.skipSeqOnAll(count);
    }

    /**
     * {@code shutdown {reason, restartExpectedMs}}, close 1012, connections refused for {@code downtime}, then the
     * gateway listens again on the same port. Open agent runs are cut off: no end event is ever sent for them and,
     * after the restart, their rows show no active run (status {@code failed}, {@code abortedLastRun}).
     *
     * @return completes when the gateway listens again
     */
    public CompletableFuture<Void> restart(Duration downtime) {
        gateway.shutdownConnections("gateway restarting", downtime.toMillis());
        gateway.cutOffRuns();
        gateway.stopListening();
        CompletableFuture<Void> back = new CompletableFuture<>();
        scheduler.schedule(() -> {
            try {
                gateway.startListening();
                back.complete(null);
            } catch (RuntimeException ex) {
                back.completeExceptionally(ex);
            }
        }, downtime.toMillis(), TimeUnit.MILLISECONDS);
        return back;
    }

    /** Every {@code connect} fails with {@code AUTH_TOKEN_MISMATCH}, then close 1008, whatever the token. */
    public void rejectAuth(boolean reject) {
        state.rejectAuth(reject);
    }

    /** Every response (not events) is sent {@code delay} late; {@link Duration#ZERO} turns it off. */
    public void slowResponses(Duration delay) {
        state.responseDelay(delay);
    }

    /** Every authenticated socket receives one text message that is not JSON. */
    public void sendMalformedJson() {
        gateway.sendRawToAll("{\"type\":\"event\",\"event\":\"tick\",\"payload\":{\"ts\":");
    }

    /** Every authenticated socket receives one valid event frame larger than {@code policy.maxPayload}. */
    public void sendOversizedFrame() {
        long size = gateway.maxPayload() + 1;
        String prefix = "{\"type\":\"event\",\"event\":\"oversized\",\"payload\":{\"padding\":\"";
        String suffix = "\"}}";
        int padding = (int) Math.max(0, size - prefix.length() - suffix.length());
        gateway.sendRawToAll(prefix + "x".repeat(padding) + suffix);
    }

    /** The port stops accepting: clients get "connection refused"; open sockets are closed. */
    public void refuseConnections() {
        gateway.stopListening();
    }

    public void acceptConnections() {
        gateway.startListening();
    }

    /** Connects fail with retryable {@code UNAVAILABLE} + {@code retryAfterMs}, then close 1013, until {@link #started}. */
    public void starting(Duration retryAfter) {
        state.startingRetryAfter(retryAfter);
    }

    public void started() {
        state.startingRetryAfter(null);
    }

    /** Turns every switch off (does not reconnect anyone or re-open a refused port). */
    public void clearSwitches() {
        state.silent(false);
        state.rejectAuth(false);
        state.responseDelay(Duration.ZERO);
        state.startingRetryAfter(null);
    }
}

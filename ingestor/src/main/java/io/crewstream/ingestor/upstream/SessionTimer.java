package io.crewstream.ingestor.upstream;

/**
 * The timers of an {@link UpstreamSession}. At most one timer of each value is pending: scheduling one again replaces
 * it. Every timer fires once; periodic ones are scheduled again by the session when they fire.
 */
public sealed interface SessionTimer {

    /** The next connection attempt. */
    record Reconnect() implements SessionTimer {
    }

    /** Checks that the gateway still sends frames (ticks). */
    record Watchdog() implements SessionTimer {
    }

    /** The request of this id (on the current link) has waited {@code request-timeout}. */
    record RequestTimeout(String requestId) implements SessionTimer {
    }

    /** A re-snapshot is taking longer than {@code snapshot-overdue}. */
    record SnapshotOverdue() implements SessionTimer {
    }

    /** The periodic re-list ({@code reconciliation-interval}). */
    record Reconciliation() implements SessionTimer {
    }

    /** The current status is published again ({@code status-interval}). */
    record Restatement() implements SessionTimer {
    }

    SessionTimer RECONNECT = new Reconnect();
    SessionTimer WATCHDOG = new Watchdog();
    SessionTimer SNAPSHOT_OVERDUE = new SnapshotOverdue();
    SessionTimer RECONCILIATION = new Reconciliation();
    SessionTimer RESTATEMENT = new Restatement();
}

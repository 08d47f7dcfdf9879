package io.crewstream.ssegateway.stream;

/**
 * When streams get a heartbeat and when a blocked one is closed. Immutable.
 * @param heartbeatMillis a comment is written to a stream silent this long
 * @param slowAfterMillis a stream whose channel stays unwritable this long is closed
 */
public record Keepalive(long heartbeatMillis, long slowAfterMillis) {

    /** Often enough that neither a heartbeat nor a slow-client disconnect is late by more than a quarter. */
    long sweepIntervalMillis() {
        return Math.max(10, Math.min(1000, Math.min(this.heartbeatMillis, this.slowAfterMillis) / 4));
    }
}

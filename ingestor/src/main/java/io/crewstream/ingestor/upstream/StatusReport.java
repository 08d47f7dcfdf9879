package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.KafkaOutage;
import io.crewstream.schemas.records.UpstreamState;

/**
 * A connection's status as last reported, and the rule for reporting: a state, code or reason other than the last is
 * a change, to be published; the same again is not, and keeps its {@code since}. Also holds what every status event
 * carries besides: the gateway's version and the time of its last frame.
 *
 * <p>Not thread-safe: owned by one {@link UpstreamSession}.
 */
final class StatusReport {

    private UpstreamStatus current;
    private boolean reported;
    private String gatewayVersion;
    private Long lastFrameAt;

    StatusReport(String connectionId, String upstreamUrl, long now) {
        this.current = new UpstreamStatus(connectionId, UpstreamState.CONNECTING, "not started", null, now, null, null,
                upstreamUrl);
    }

    UpstreamStatus current() {
        return this.current;
    }

    Long lastFrameAt() {
        return this.lastFrameAt;
    }

    void frameAt(long receivedAt) {
        this.lastFrameAt = receivedAt;
    }

    void gatewayVersion(String version) {
        this.gatewayVersion = version;
    }

    /**
     * Makes this the current status.
     *
     * @return whether it differs from the last one reported (and so is to be published)
     */
    boolean update(UpstreamState state, String reason, String reasonCode, long now) {
        boolean sameState = this.reported && this.current.state() == state;
        boolean same = sameState && equal(this.current.reasonCode(), reasonCode)
                && equal(this.current.reason(), reason);
        this.current = new UpstreamStatus(this.current.connectionId(), state, reason, reasonCode,
                sameState ? this.current.since() : now, this.gatewayVersion, this.lastFrameAt,
                this.current.upstreamUrl());
        this.reported = true;
        return !same;
    }

    /**
     * The current status as an event, with the latest frame time.
     *
     * @param statusIntervalMs when the next restatement is due; null when none will follow (stopped)
     */
    ConnectionStatusEvent event(long now, Long statusIntervalMs, KafkaOutage outage) {
        return ConnectionStatusEvent.of(this.current.connectionId(), this.current.state(), this.current.reason(),
                this.current.reasonCode(), this.current.since(), this.gatewayVersion, this.lastFrameAt,
                this.current.upstreamUrl(), now, statusIntervalMs).withKafkaOutage(outage);
    }

    private static boolean equal(Object a, Object b) {
        return a == null ? b == null : a.equals(b);
    }
}

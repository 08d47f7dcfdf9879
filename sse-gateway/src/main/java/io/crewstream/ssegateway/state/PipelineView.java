package io.crewstream.ssegateway.state;

import java.util.Map;

import io.crewstream.schemas.sse.PipelineStatus;

/**
 * Whether this SSE gateway's view of the tables is being kept up to date ({@link #status}), and which gateway
 * connections' statuses stopped arriving ({@link #pausedGateways}: connection id to the time of the last word, as
 * {@code GatewayStatus.pausedSince}). Immutable; {@link #version} grows with every change, so that whatever is built
 * from a view (a cached refresh) can tell it is out of date.
 */
public record PipelineView(PipelineStatus status, Map<String, Long> pausedGateways, long version) {

    public PipelineView {
        pausedGateways = Map.copyOf(pausedGateways);
    }

    /** Live since {@code now}, nothing paused: what a table starts with, before anything was checked. */
    static PipelineView initial(long now) {
        return new PipelineView(PipelineStatus.live(now), Map.of(), 0);
    }

    /** When nothing more was heard about the connection while its status is overdue; null while it arrives. */
    public Long pausedSince(String connectionId) {
        return this.pausedGateways.get(connectionId);
    }

    /** This view with {@code status} and {@code pausedGateways}, as a new version if either differs. */
    public PipelineView with(PipelineStatus status, Map<String, Long> pausedGateways) {
        if (status.equals(this.status) && pausedGateways.equals(this.pausedGateways)) {
            return this;
        }
        return new PipelineView(status, pausedGateways, this.version + 1);
    }
}

package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.records.UpstreamState;

/**
 * The last state a supervisor reported, for health checks. Immutable.
 *
 * @param since epoch ms at which {@code state} began
 * @param lastFrameAt epoch ms of the last frame received, null before any
 */
public record UpstreamStatus(String connectionId, UpstreamState state, String reason, String reasonCode, long since,
        String gatewayVersion, Long lastFrameAt, String upstreamUrl) {
}

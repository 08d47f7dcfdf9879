package io.crewstream.schemas.sse;

import io.crewstream.schemas.Require;

/**
 * Payload of {@code pipeline-status}, and {@code sessions-refresh.pipeline}: whether the SSE gateway's own view of
 * the tables is being kept up to date. While it is {@code paused} a dashboard should say "Live data paused since
 * 14:02 — last known state below" rather than "Live": the sessions and gateway statuses it has are the last ones
 * known. Sent whenever it changes, without an {@code id:} (it is not a table change, so it never moves a client's
 * resume position).
 *
 * @param since epoch ms since which the view is live, or since which nothing new could be confirmed (paused)
 * @param reason human-readable cause when paused ("Kafka unreachable: ..."); null when live
 * @param reasonCode one of the codes below when paused; null when live
 */
public record PipelineStatus(PipelineState state, Long since, String reason, String reasonCode) {

    /** The SSE gateway cannot reach the Kafka cluster its tables live on. */
    public static final String KAFKA_UNREACHABLE = "kafka_unreachable";

    /** The SSE gateway's table reader ended (it is logged); the table no longer follows the topics. */
    public static final String TABLE_READER_STOPPED = "table_reader_stopped";

    /** The table reader has not completed a read for longer than allowed (stuck, or starved of CPU). */
    public static final String TABLE_STALLED = "table_stalled";

    private static final String RECORD = "PipelineStatus";

    public PipelineStatus {
        Require.present(state, RECORD, "state");
        Require.notNegative(since, RECORD, "since");
    }

    public static PipelineStatus live(long since) {
        return new PipelineStatus(PipelineState.LIVE, since, null, null);
    }

    public static PipelineStatus paused(long since, String reason, String reasonCode) {
        return new PipelineStatus(PipelineState.PAUSED, since, reason, reasonCode);
    }

    public boolean paused() {
        return this.state == PipelineState.PAUSED;
    }
}

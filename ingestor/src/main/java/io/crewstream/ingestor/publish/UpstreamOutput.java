package io.crewstream.ingestor.publish;

import java.util.List;
import java.util.Optional;

import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SnapshotReason;

/**
 * Where an upstream supervisor's observations go. Every call returns at once; delivery problems are handled behind
 * it (see {@link PublishHealth}), never thrown back at the connection.
 */
public interface UpstreamOutput {

    /**
     * Publishes one full snapshot of a connection's sessions, in as many chunks as its size needs (one when empty).
     *
     * @param observedAt epoch ms at which the whole list was in
     * @param listedFrom epoch ms at which the listing was asked for ({@code SnapshotChunk#listedFrom})
     * @return what was published
     */
    SnapshotReceipt snapshot(String connectionId, SnapshotReason reason, List<SessionRow> sessions,
            long observedAt, long listedFrom);

    /**
     * A single-session change: {@code SessionUpserted} or {@code SessionRemoved}.
     *
     * @return empty when published as given; otherwise, for the caller to log and count, what had to be done to a
     *     change too large for a record (a {@link TrimmedRow trimmed} row published, or nothing at all)
     */
    Optional<String> change(SessionEvent event);

    /**
     * The marker that ends a re-list published as differences ({@code SessionsVerified} on
     * {@code session-verifications}): the connection has {@code sessionCount} sessions with this
     * {@code SessionsDigest}, as of the last session-events record of the connection published before this call. The
     * output fills in that record's offset, so it writes the marker only once that record is acknowledged; if that
     * record was not written (Kafka failed it), no marker is written, since the full snapshot that follows a Kafka
     * outage replaces the check.
     *
     * @param changesPublished how many changes the re-list published just before
     */
    void sessionsVerified(String connectionId, SnapshotReason reason, int sessionCount, String digest,
            int changesPublished, long listedFrom, long observedAt);

    void status(ConnectionStatusEvent event);

    /**
     * One step of an agent run.
     *
     * @param eventId its CloudEvents id, derived from the frame that reported it (the same step read twice gets the
     *     same id)
     */
    void runEvent(RunEvent event, String eventId);

    /** A gateway's whole agent list. */
    void agentList(AgentList list);

    /**
     * One inbound frame as received, truncated to fit a record if needed.
     *
     * @param frameType {@code res}, {@code event}, … or {@code malformed}
     * @param sizeBytes the frame's size as received
     * @param text the frame's text, or only its beginning when {@code partial}
     * @param partial whether {@code text} is already less than the frame (a frame discarded while arriving)
     */
    void rawFrame(String connectionId, long receivedAt, String frameType, String event, Long seq, long sizeBytes,
            String text, boolean partial);

    /**
     * @param snapshotId the id shared by the snapshot's chunks
     * @param rejected rows too large for a record, published {@link TrimmedRow trimmed} (or left out when even that
     *     is too large), described for the log
     */
    record SnapshotReceipt(String snapshotId, int chunks, int sessions, List<String> rejected) {
    }
}

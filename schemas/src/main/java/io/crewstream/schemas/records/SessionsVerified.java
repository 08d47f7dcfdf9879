package io.crewstream.schemas.records;

import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on {@link io.crewstream.schemas.Topic#SESSION_VERIFICATIONS}: a re-list of the connection's sessions found
 * them as the ingestor had published them on {@link io.crewstream.schemas.Topic#SESSION_EVENTS}, up to and including
 * the record at {@link #sessionEventsOffset()}: a reconciliation that publishes only what changed ends with this
 * marker instead of a full snapshot (see {@link SnapshotReason#publishesFullSnapshot()}).
 *
 * <p>It travels on a topic of its own, co-partitioned with the session events, because a new record type on
 * {@code session-events.v1} would break its readers (see docs/topics.md, "How the contract may change"); the offset
 * says exactly where in the session events the marker holds, whatever order a reader sees the two topics in.
 *
 * <p>A reader that keeps a table of the connection's sessions compares its own {@link SessionsDigest} (count and
 * digest) with this one at the moment it has applied the session-events record at {@code sessionEventsOffset} and none
 * of the connection's after it. If they differ, its table has drifted from the gateway (a record it could not apply,
 * a bug): the projector then asks the ingestor for a full snapshot with a {@link SnapshotRequest}. A reader that has
 * already applied later records of the connection cannot check and skips the marker.
 *
 * @param reason why the ingestor re-listed ({@link SnapshotReason}, wire name)
 * @param sessionCount how many sessions the connection has
 * @param digest {@link SessionsDigest#value()} over those sessions
 * @param changesPublished how many {@code session-upserted}/{@code session-removed} records this re-list published
 *     just before the marker (informational)
 * @param listedFrom epoch ms at which the ingestor asked for the list's first page
 * @param observedAt epoch ms at which the ingestor had the whole list
 * @param sessionEventsOffset the offset, in the same-numbered partition of {@code session-events}, of the last record
 *     of this connection written before the marker: the table the marker describes is the one after that record
 */
public record SessionsVerified(Integer schemaVersion, String connectionId, String reason, Integer sessionCount,
        String digest, Integer changesPublished, Long listedFrom, Long observedAt, Long sessionEventsOffset) {

    private static final String RECORD = "SessionsVerified";

    public SessionsVerified {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.text(reason, RECORD, "reason");
        if (Require.present(sessionCount, RECORD, "sessionCount") < 0) {
            throw new InvalidFieldException(RECORD, "sessionCount", "must not be negative but was " + sessionCount);
        }
        Require.text(digest, RECORD, "digest");
        if (!digest.matches("[0-9a-f]{16}")) {
            throw new InvalidFieldException(RECORD, "digest", "must be 16 lower-case hex digits but was '" + digest
                    + "'");
        }
        if (Require.present(changesPublished, RECORD, "changesPublished") < 0) {
            throw new InvalidFieldException(RECORD, "changesPublished", "must not be negative but was "
                    + changesPublished);
        }
        Require.notNegative(listedFrom, RECORD, "listedFrom");
        Require.notNegative(observedAt, RECORD, "observedAt");
        Require.notNegative(sessionEventsOffset, RECORD, "sessionEventsOffset");
        if (listedFrom > observedAt) {
            throw new InvalidFieldException(RECORD, "listedFrom", "must be at most observedAt (" + observedAt
                    + ") but was " + listedFrom);
        }
    }

    public static SessionsVerified of(String connectionId, SnapshotReason reason, int sessionCount, String digest,
            int changesPublished, long listedFrom, long observedAt, long sessionEventsOffset) {
        return new SessionsVerified(SchemaVersion.CURRENT, connectionId, reason.wireName(), sessionCount, digest,
                changesPublished, listedFrom, observedAt, sessionEventsOffset);
    }

    /** Whether a table with this digest agrees with the marker. */
    public boolean agreesWith(SessionsDigest table) {
        return this.sessionCount == table.count() && this.digest.equals(table.value());
    }
}

package io.crewstream.replay.table;

/**
 * The session event that made a change: a snapshot (its id and why the ingestor took it) or a single-session delta
 * (the gateway's reason and the {@code seq} of the upstream frame that carried it, which ties the change to that
 * frame on the raw-frames topic).
 *
 * @param offset the event's offset on its session-events partition
 * @param snapshotId the snapshot's id; null for a delta
 * @param reason the snapshot's reason ({@code reconciliation}, {@code reconnect}, …) or the delta's
 *     ({@code patch}, {@code delete}, …)
 * @param upstreamSeq the upstream frame's {@code seq}; null for a snapshot or when the gateway gave none
 */
public record Cause(long offset, String snapshotId, String reason, Long upstreamSeq) {

    public boolean isSnapshot() {
        return this.snapshotId != null;
    }

    /** One line for people: {@code snapshot 2f1c5e0a (reconciliation)} or {@code delta patch, frame seq 18}. */
    public String describe() {
        if (isSnapshot()) {
            return "snapshot " + shortId(this.snapshotId) + " (" + this.reason + ")";
        }
        return "delta " + this.reason + (this.upstreamSeq == null ? "" : ", frame seq " + this.upstreamSeq);
    }

    private static String shortId(String id) {
        return id.length() > 8 ? id.substring(0, 8) : id;
    }
}

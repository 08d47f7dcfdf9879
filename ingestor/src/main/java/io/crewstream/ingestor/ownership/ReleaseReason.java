package io.crewstream.ingestor.ownership;

/** Why this instance stopped owning a gateway: the {@code reason} tag of the released counter and health. */
public enum ReleaseReason {

    /** Kafka's group gave the gateway to another instance (one joined or left); handed over with a last status. */
    REVOKED("revoked"),
    /** This instance was dropped from the group (missed its session timeout): gone without a word. */
    LOST("lost"),
    /** Another instance opened the gateway's writer: Kafka refuses this one's writes. */
    FENCED("fenced"),
    /** The writer failed for another reason; it is opened again while the gateway is still assigned here. */
    WRITER_FAILED("writer-failed"),
    /** This instance shuts down. */
    STOPPED("stopped");

    private final String tag;

    ReleaseReason(String tag) {
        this.tag = tag;
    }

    public String tag() {
        return this.tag;
    }
}

package io.crewstream.ingestor.upstream;

/** How a connection stops, and so what its last status says. */
public enum StopMode {

    /** The ingestor shuts down: {@code disconnected}, {@code stopped}. */
    SHUTDOWN,

    /**
     * This instance gives the gateway up to another one (a rebalance): {@code connecting}, {@code handed_over}, so
     * that readers keep runs and sessions until the new owner's snapshot.
     */
    HANDOVER,

    /**
     * This instance no longer owns the gateway and must not write for it (the ownership was lost or the writer
     * fenced): nothing is published; the state is kept for health only.
     */
    SILENT
}

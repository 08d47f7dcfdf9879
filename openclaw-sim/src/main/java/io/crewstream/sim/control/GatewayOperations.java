package io.crewstream.sim.control;

/** What the server lets {@link Faults} do to its sockets. Implementations are thread-safe. */
public interface GatewayOperations {

    /** Closes every socket without a close frame (clients see 1006). */
    void dropAllConnections();

    /** Sends {@code shutdown {reason, restartExpectedMs}} to every authenticated socket, then closes all with 1012. */
    void shutdownConnections(String reason, Long restartExpectedMs);

    /** Ends every open agent run without a terminal event (the process died); rows show no active run. */
    void cutOffRuns();

    /** Stops listening: the port refuses connections and open sockets are closed. */
    void stopListening();

    /** Listens again on the same port. */
    void startListening();

    /** Sends {@code text} as is, one text message, to every authenticated socket (no {@code seq} is consumed). */
    void sendRawToAll(String text);

    /** The next event on every open socket skips {@code count} sequence numbers. */
    void skipSeqOnAll(int count);

    /** The {@code policy.maxPayload} the gateway announces. */
    long maxPayload();
}

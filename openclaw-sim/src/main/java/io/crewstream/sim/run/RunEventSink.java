package io.crewstream.sim.run;

/**
 * Where a run's frames go; the server implements the delivery rules (protocol §4.1). Payloads arrive serialized, so
 * one broadcast serializes once. Implementations are thread-safe and never block.
 */
public interface RunEventSink {

    /** A non-tool {@code agent} event (lifecycle, assistant, usage): every read-scoped operator (see §4.1). */
    void agent(String sessionKey, String payloadJson);

    /** A tool-stream {@code agent} event: only sockets that declared {@code caps:["tool-events"]}. */
    void toolAgent(String sessionKey, String payloadJson);

    /** {@code session.tool}: the tool event with a session snapshot, to {@code sessions.subscribe}rs without the cap. */
    void sessionTool(String sessionKey, String payloadJson);

    /**
     * A {@code chat} event, delivered like a non-tool {@code agent} event. Deltas are droppable for slow consumers
     * (a {@code seq} gap), terminal states are not (the real gateway's {@code dropIfSlow}).
     */
    void chat(String sessionKey, String payloadJson, boolean droppable);
}

package io.crewstream.sim.server;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.crewstream.sim.protocol.Events;
import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.run.RunEventSink;
import io.crewstream.sim.session.SessionChange;
import io.crewstream.sim.session.SessionChangeListener;

/**
 * The open sockets of one simulator, and the fan-out of events to them.
 *
 * <p>Threading: thread-safe; backed by a concurrent set. A broadcast serializes the payload once on the calling
 * thread and queues it on each socket (see {@link GatewayConnection} for per-socket ordering). Session changes arrive
 * with the store locked, so every socket receives them in store order.
 */
final class ConnectionRegistry implements SessionChangeListener, RunEventSink {

    private final Set<GatewayConnection> connections = ConcurrentHashMap.newKeySet();

    void add(GatewayConnection connection) {
        connections.add(connection);
    }

    void remove(GatewayConnection connection) {
        connections.remove(connection);
    }

    List<GatewayConnection> snapshot() {
        return List.copyOf(connections);
    }

    int authenticatedCount() {
        return (int) connections.stream().filter(GatewayConnection::authenticated).count();
    }

    void broadcast(String event, String payloadJson, Predicate<GatewayConnection> to, boolean droppable) {
        for (GatewayConnection connection : connections) {
            if (to.test(connection)) {
                connection.sendEvent(event, payloadJson, droppable);
            }
        }
    }

    @Override
    public void onChange(SessionChange change) {
        String payload = Json.write(change.toPayload());
        broadcast(Events.SESSIONS_CHANGED, payload, GatewayConnection::receivesSessionChanges, true);
    }

    @Override
    public void agent(String sessionKey, String payloadJson) {
        broadcast(Events.AGENT, payloadJson, connection -> connection.receivesRunEvents(sessionKey), false);
    }

    @Override
    public void toolAgent(String sessionKey, String payloadJson) {
        broadcast(Events.AGENT, payloadJson, connection -> connection.receivesToolEvents(sessionKey), false);
    }

    @Override
    public void sessionTool(String sessionKey, String payloadJson) {
        broadcast(Events.SESSION_TOOL, payloadJson, connection -> connection.receivesSessionTool(sessionKey), true);
    }

    @Override
    public void chat(String sessionKey, String payloadJson, boolean droppable) {
        broadcast(Events.CHAT, payloadJson, connection -> connection.receivesRunEvents(sessionKey), droppable);
    }
}

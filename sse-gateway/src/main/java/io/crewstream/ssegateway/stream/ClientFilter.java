package io.crewstream.ssegateway.stream;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import io.crewstream.schemas.records.SessionState;
import io.crewstream.ssegateway.state.TableChange;

/**
 * What a client asked to see: {@code ?connection=} (gateway connection ids) and {@code ?agent=} (agent ids, see
 * {@link io.crewstream.schemas.records.SessionRow#agentId()}); each may repeat or hold a comma-separated list, and
 * an absent parameter means all. Gateway statuses are filtered by connection only. Immutable.
 */
public record ClientFilter(Set<String> connections, Set<String> agents) {

    public static final String CONNECTION_PARAMETER = "connection";

    public static final String AGENT_PARAMETER = "agent";

    public static final ClientFilter ALL = new ClientFilter(Set.of(), Set.of());

    public ClientFilter {
        connections = Set.copyOf(connections);
        agents = Set.copyOf(agents);
    }

    public static ClientFilter from(Map<String, String[]> parameters) {
        return new ClientFilter(values(parameters.get(CONNECTION_PARAMETER)), values(parameters.get(AGENT_PARAMETER)));
    }

    private static Set<String> values(String[] raw) {
        if (raw == null) {
            return Set.of();
        }
        return Arrays.stream(raw).flatMap(value -> Arrays.stream(value.split(",")))
                .map(String::trim).filter(value -> !value.isEmpty())
                .collect(Collectors.toUnmodifiableSet());
    }

    public boolean acceptsSession(SessionState session) {
        return acceptsSession(session.connectionId(), session.session().agentId());
    }

    public boolean acceptsGateway(String connectionId) {
        return this.connections.isEmpty() || this.connections.contains(connectionId);
    }

    public boolean accepts(TableChange change) {
        if (change.sessionKey() == null) {
            return acceptsGateway(change.connectionId());
        }
        return acceptsSession(change.connectionId(), change.agentId());
    }

    private boolean acceptsSession(String connectionId, String agentId) {
        return acceptsGateway(connectionId) && (this.agents.isEmpty() || this.agents.contains(agentId));
    }
}

package io.crewstream.ssegateway.stream;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import io.crewstream.schemas.ConnectionIds;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.ssegateway.api.InvalidRequestException;
import io.crewstream.ssegateway.api.QueryParameters;
import io.crewstream.ssegateway.api.ScopeRefusals;
import io.crewstream.ssegateway.security.AccessRefusedException;
import io.crewstream.ssegateway.security.GatewayScope;
import io.crewstream.ssegateway.state.TableChange;

/**
 * What a client asked to see: {@code ?connection=} (gateway connection ids) and {@code ?agent=} (agent ids, see
 * {@link io.crewstream.schemas.records.SessionRow#agentId()}); each may repeat or hold a comma-separated list, and
 * an absent parameter means all. A present but empty, blank or control-character value, or a connection id that
 * breaks {@link ConnectionIds#RULE}, is an {@link InvalidRequestException} (400): taken for "all", a typo would
 * show every gateway's sessions. Agents are filtered like sessions (by their gateway and their id); gateway statuses
 * by connection only.
 *
 * <p>Within the caller's {@link GatewayScope}: a gateway outside it is never accepted, whatever the parameters say,
 * and a {@code ?connection=} naming one is an {@link AccessRefusedException} ({@code out_of_scope}, 403), not an empty
 * answer. Everything a client is sent (the refresh, live changes, a resume's replayed changes, agents, gateway
 * statuses) passes {@link #acceptsGateway}, so the scope narrows all of it in one place. The scope is part of the
 * filter's identity: a cached refresh ({@link RefreshCache}) is shared only by callers of the same scope. Immutable.
 */
public record ClientFilter(GatewayScope scope, Set<String> connections, Set<String> agents) {

    public static final String CONNECTION_PARAMETER = QueryParameters.CONNECTION;

    public static final String AGENT_PARAMETER = "agent";

    /** Everything: every gateway, no parameter. */
    public static final ClientFilter ALL = new ClientFilter(GatewayScope.ALL, Set.of(), Set.of());

    /** Longer than any agent id a gateway issues; a longer value is not a typo but garbage. */
    static final int MAX_AGENT_ID_LENGTH = 256;

    public ClientFilter {
        Objects.requireNonNull(scope, "scope");
        connections = Set.copyOf(connections);
        agents = Set.copyOf(agents);
    }

    /**
     * What a caller of {@code scope} asked for with these query parameters.
     *
     * @throws InvalidRequestException for a value that cannot be meant (see the class comment)
     * @throws AccessRefusedException ({@code out_of_scope}) for a {@code ?connection=} outside the scope; checked after
     *     the values are found well-formed, and whether or not such a gateway exists (a 403 tells nothing about it)
     */
    public static ClientFilter from(Map<String, String[]> parameters, GatewayScope scope) {
        Set<String> connections = values(parameters.get(CONNECTION_PARAMETER), CONNECTION_PARAMETER);
        for (String connection : connections) {
            if (!ConnectionIds.isValid(connection)) {
                throw new InvalidRequestException("?" + CONNECTION_PARAMETER + "= holds a value that is not a "
                        + "connection id: it " + ConnectionIds.RULE);
            }
        }
        Set<String> agents = values(parameters.get(AGENT_PARAMETER), AGENT_PARAMETER);
        for (String agent : agents) {
            if (agent.length() > MAX_AGENT_ID_LENGTH) {
                throw new InvalidRequestException("?" + AGENT_PARAMETER + "= holds a value longer than "
                        + MAX_AGENT_ID_LENGTH + " characters");
            }
        }
        for (String connection : connections) {
            ScopeRefusals.requirePermitted(scope, connection);
        }
        return new ClientFilter(scope, connections, agents);
    }

    private static Set<String> values(String[] raw, String parameter) {
        if (raw == null) {
            return Set.of();
        }
        Set<String> values = new LinkedHashSet<>();
        for (String value : raw) {
            for (String item : value.split(",", -1)) {
                if (item.isBlank()) {
                    throw new InvalidRequestException("?" + parameter + "= has an empty value; leave the "
                            + "parameter out to see all");
                }
                if (item.chars().anyMatch(Character::isISOControl)) {
                    throw new InvalidRequestException("?" + parameter + "= holds a control character");
                }
                values.add(item.trim());
            }
        }
        return values;
    }

    public boolean acceptsSession(SessionState session) {
        return acceptsAgent(session.connectionId(), session.session().agentId());
    }

    /** Within the scope, and asked for (or no gateway named). */
    public boolean acceptsGateway(String connectionId) {
        return this.scope.permits(connectionId)
                && (this.connections.isEmpty() || this.connections.contains(connectionId));
    }

    /** An agent passes the connection filter by its gateway and the agent filter by its id. */
    public boolean acceptsAgent(AgentState agent) {
        return acceptsAgent(agent.connectionId(), agent.agentId());
    }

    public boolean accepts(TableChange change) {
        if (change.kind().ofSession() || change.kind().ofAgent()) {
            return acceptsAgent(change.connectionId(), change.agentId());
        }
        return acceptsGateway(change.connectionId());
    }

    /** Sessions and agents alike: by the gateway, and by the agent id (a session's is its row's). */
    private boolean acceptsAgent(String connectionId, String agentId) {
        return acceptsGateway(connectionId) && (this.agents.isEmpty() || this.agents.contains(agentId));
    }
}

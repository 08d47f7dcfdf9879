package io.crewstream.ssegateway.security;

import java.util.Set;

import io.crewstream.schemas.sse.StreamTicket;

/**
 * The gateways (upstream connection ids) a caller may see: all of them, or a fixed set, possibly empty. Everything
 * the API serves is narrowed to it (sessions, agents, gateway statuses, the stream, resumes, replay, usage); a request
 * that names a gateway outside it is refused (403, {@code out_of_scope}), never answered with an empty list that
 * would look like "that gateway has nothing". Immutable.
 */
public sealed interface GatewayScope {

    /** The scope claim's value that grants every gateway. */
    String WILDCARD = StreamTicket.EVERY_GATEWAY;

    GatewayScope ALL = new All();

    static GatewayScope of(Set<String> connectionIds) {
        return connectionIds.contains(WILDCARD) ? ALL : new Only(Set.copyOf(connectionIds));
    }

    /** Whether the caller may see the gateway with this connection id. */
    boolean permits(String connectionId);

    /** Every gateway. */
    record All() implements GatewayScope {

        @Override
        public boolean permits(String connectionId) {
            return true;
        }

        @Override
        public String toString() {
            return WILDCARD;
        }
    }

    /** Just these gateways (none, when empty). */
    record Only(Set<String> connectionIds) implements GatewayScope {

        public Only {
            connectionIds = Set.copyOf(connectionIds);
        }

        @Override
        public boolean permits(String connectionId) {
            return this.connectionIds.contains(connectionId);
        }
    }
}

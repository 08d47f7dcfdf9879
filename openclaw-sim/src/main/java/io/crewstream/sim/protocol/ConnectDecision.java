package io.crewstream.sim.protocol;

import java.util.List;

/** The outcome of a {@code connect} request. */
public sealed interface ConnectDecision {

    /** {@code scopes} is the live authority of the socket; it may be empty although the client asked for more. */
    record Accepted(String role, List<String> scopes) implements ConnectDecision {
        public Accepted {
            scopes = List.copyOf(scopes);
        }
    }

    /** The error response is sent, then the socket is closed with {@code closeCode} and the message as reason. */
    record Rejected(GatewayError error, int closeCode) implements ConnectDecision {
    }
}

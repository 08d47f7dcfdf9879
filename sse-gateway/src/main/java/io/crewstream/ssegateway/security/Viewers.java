package io.crewstream.ssegateway.security;

import java.util.Optional;
import java.util.Set;

import reactor.core.publisher.Mono;

import org.springframework.web.server.ServerWebExchange;

/**
 * The {@link Viewer} of a request. With authentication off the caller is {@link Viewer#OPEN}. With it on, a request
 * that reaches a data handler has been authenticated by the security chain; should one arrive without a
 * {@link ViewerAuthentication} all the same (a path wrongly made public), its viewer sees no gateway: this fails
 * closed, never open. Thread-safe (immutable); a bean, made by {@link ApiSecurityConfiguration}.
 */
public final class Viewers {

    private static final Viewer NOBODY = new Viewer("unauthenticated", GatewayScope.of(Set.of()), Optional.empty(),
            false);

    private final boolean authEnabled;

    public Viewers(boolean authEnabled) {
        this.authEnabled = authEnabled;
    }

    public Mono<Viewer> current(ServerWebExchange exchange) {
        Viewer fallback = this.authEnabled ? NOBODY : Viewer.OPEN;
        return exchange.getPrincipal()
                .map(principal -> principal instanceof ViewerAuthentication authentication ? authentication.viewer()
                        : fallback)
                .defaultIfEmpty(fallback);
    }
}

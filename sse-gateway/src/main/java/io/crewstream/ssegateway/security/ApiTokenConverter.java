package io.crewstream.ssegateway.security;

import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Finds the bearer token a request presents: the {@code Authorization: Bearer} header; else the
 * {@value #QUERY_PARAMETER} (or CrewHub's {@value #CREWHUB_QUERY_PARAMETER}) query parameter, since a browser's
 * EventSource cannot set headers; else the configured cookie. A request without one is left to the authorization
 * rules (401 where a token is needed). Stateless and thread-safe.
 */
final class ApiTokenConverter implements ServerAuthenticationConverter {

    static final String QUERY_PARAMETER = "access_token";

    /** CrewHub's dashboard appends its stored token as {@code ?token=}; accepted so it works unchanged. */
    static final String CREWHUB_QUERY_PARAMETER = "token";

    private static final String BEARER = "Bearer ";

    private final String cookieName;

    ApiTokenConverter(String cookieName) {
        this.cookieName = cookieName;
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        String token = presentedToken(exchange.getRequest());
        return token == null ? Mono.empty() : Mono.just(ApiTokenAuthentication.unverified(token));
    }

    private String presentedToken(ServerHttpRequest request) {
        String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return nonBlank(header.substring(BEARER.length()).trim());
        }
        // The firewall has refused a query that cannot be decoded (QueryDecodingFirewall).
        String parameter = nonBlank(request.getQueryParams().getFirst(QUERY_PARAMETER));
        if (parameter == null) {
            parameter = nonBlank(request.getQueryParams().getFirst(CREWHUB_QUERY_PARAMETER));
        }
        if (parameter != null) {
            return parameter;
        }
        HttpCookie cookie = request.getCookies().getFirst(this.cookieName);
        return cookie == null ? null : nonBlank(cookie.getValue());
    }

    private static String nonBlank(String value) {
        return (value == null || value.isBlank()) ? null : value;
    }
}

package io.crewstream.ssegateway.security;

import io.crewstream.ssegateway.stream.EventStreamController;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authentication.ServerAuthenticationConverter;
import org.springframework.web.server.ServerWebExchange;

/**
 * Finds the credentials a request presents, in this order: a stream ticket ({@value #TICKET_PARAMETER}, on
 * {@code GET /api/events} only); the {@code Authorization: Bearer} header; the {@value #QUERY_PARAMETER} (or CrewHub's
 * {@value #CREWHUB_QUERY_PARAMETER}) query parameter, which only a static token may use; the configured cookie. A
 * request without any is left to the authorization rules (401 where credentials are needed). Stateless and
 * thread-safe.
 */
final class CredentialConverter implements ServerAuthenticationConverter {

    static final String TICKET_PARAMETER = "ticket";

    static final String QUERY_PARAMETER = "access_token";

    /** CrewHub's dashboard appends its stored token as {@code ?token=}; accepted so it works unchanged. */
    static final String CREWHUB_QUERY_PARAMETER = "token";

    private static final String BEARER = "Bearer ";

    private final String cookieName;

    CredentialConverter(String cookieName) {
        this.cookieName = cookieName;
    }

    @Override
    public Mono<Authentication> convert(ServerWebExchange exchange) {
        PresentedCredential credential = presented(exchange.getRequest());
        return credential == null ? Mono.empty() : Mono.just(credential);
    }

    private PresentedCredential presented(ServerHttpRequest request) {
        // The firewall has refused a query that cannot be decoded (QueryDecodingFirewall).
        String ticket = nonBlank(request.getQueryParams().getFirst(TICKET_PARAMETER));
        if (ticket != null && opensStream(request)) {
            return new PresentedCredential(PresentedCredential.Source.TICKET, ticket);
        }
        String header = request.getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            String token = nonBlank(header.substring(BEARER.length()).trim());
            if (token != null) {
                return new PresentedCredential(PresentedCredential.Source.HEADER, token);
            }
        }
        String parameter = nonBlank(request.getQueryParams().getFirst(QUERY_PARAMETER));
        if (parameter == null) {
            parameter = nonBlank(request.getQueryParams().getFirst(CREWHUB_QUERY_PARAMETER));
        }
        if (parameter != null) {
            return new PresentedCredential(PresentedCredential.Source.QUERY, parameter);
        }
        HttpCookie cookie = request.getCookies().getFirst(this.cookieName);
        String fromCookie = cookie == null ? null : nonBlank(cookie.getValue());
        return fromCookie == null ? null : new PresentedCredential(PresentedCredential.Source.COOKIE, fromCookie);
    }

    private static boolean opensStream(ServerHttpRequest request) {
        return HttpMethod.GET.equals(request.getMethod())
                && EventStreamController.PATH.equals(request.getPath().pathWithinApplication().value());
    }

    private static String nonBlank(String value) {
        return (value == null || value.isBlank()) ? null : value;
    }
}

package io.crewstream.ssegateway.security;

import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.http.HttpHeaders;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Finds the bearer token a request presents: the {@code Authorization: Bearer} header; else the
 * {@value #QUERY_PARAMETER} (or CrewHub's {@value #CREWHUB_QUERY_PARAMETER}) query parameter, since a browser's
 * EventSource cannot set headers; else the configured cookie. A request without one is left to the authorization
 * rules (401 where a token is needed). Stateless and thread-safe.
 */
final class ApiTokenConverter implements AuthenticationConverter {

    static final String QUERY_PARAMETER = "access_token";

    /** CrewHub's dashboard appends its stored token as {@code ?token=}; accepted so it works unchanged. */
    static final String CREWHUB_QUERY_PARAMETER = "token";

    private static final String BEARER = "Bearer ";

    private final String cookieName;

    ApiTokenConverter(String cookieName) {
        this.cookieName = cookieName;
    }

    @Override
    public Authentication convert(HttpServletRequest request) {
        String token = presentedToken(request);
        return token == null ? null : ApiTokenAuthentication.unverified(token);
    }

    private String presentedToken(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return nonBlank(header.substring(BEARER.length()).trim());
        }
        // The firewall has refused a query Tomcat cannot decode (QueryDecodingFirewall).
        String parameter = nonBlank(request.getParameter(QUERY_PARAMETER));
        if (parameter == null) {
            parameter = nonBlank(request.getParameter(CREWHUB_QUERY_PARAMETER));
        }
        if (parameter != null) {
            return parameter;
        }
        Cookie[] cookies = request.getCookies();
        if (cookies != null) {
            for (Cookie cookie : cookies) {
                if (this.cookieName.equals(cookie.getName())) {
                    return nonBlank(cookie.getValue());
                }
            }
        }
        return null;
    }

    private static String nonBlank(String value) {
        return (value == null || value.isBlank()) ? null : value;
    }
}

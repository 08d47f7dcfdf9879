package io.crewstream.ssegateway.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpHeaders;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Requires one of the configured bearer tokens on {@code /api/**}: from the {@code Authorization: Bearer} header,
 * the {@code access_token} (or CrewHub's {@code token}) query parameter, since a browser's EventSource cannot set
 * headers, or a cookie. No token: 401;
 * a wrong one: 403. CORS preflight requests pass (they carry no credentials). Tokens are compared in constant time
 * and never logged or echoed. Stateless and thread-safe.
 */
public final class TokenAuthenticationFilter extends OncePerRequestFilter {

    public static final String QUERY_PARAMETER = "access_token";

    /** CrewHub's dashboard appends its stored token as {@code ?token=}; accepted so it works unchanged. */
    public static final String CREWHUB_QUERY_PARAMETER = "token";

    private static final String BEARER = "Bearer ";

    private static final String API_PATHS = "/api/";

    private final List<byte[]> tokens;

    private final String cookieName;

    public TokenAuthenticationFilter(List<String> tokens, String cookieName) {
        this.tokens = tokens.stream().map(token -> token.getBytes(StandardCharsets.UTF_8)).toList();
        this.cookieName = cookieName;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !request.getRequestURI().startsWith(request.getContextPath() + API_PATHS)
                || "OPTIONS".equals(request.getMethod());
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String presented = presentedToken(request);
        if (presented == null) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            response.sendError(HttpServletResponse.SC_UNAUTHORIZED, "A bearer token is required");
            return;
        }
        if (!accepted(presented)) {
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            response.sendError(HttpServletResponse.SC_FORBIDDEN, "The token is not accepted");
            return;
        }
        chain.doFilter(request, response);
    }

    private String presentedToken(HttpServletRequest request) {
        String header = request.getHeader(HttpHeaders.AUTHORIZATION);
        if (header != null && header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return nonBlank(header.substring(BEARER.length()).trim());
        }
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

    private boolean accepted(String presented) {
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean accepted = false;
        for (byte[] token : this.tokens) {
            // No early exit: the time taken does not tell which token (or how much of one) matched.
            accepted |= MessageDigest.isEqual(token, candidate);
        }
        return accepted;
    }

    private static String nonBlank(String value) {
        return (value == null || value.isBlank()) ? null : value;
    }
}

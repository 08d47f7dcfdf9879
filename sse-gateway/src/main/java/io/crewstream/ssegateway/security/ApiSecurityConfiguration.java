package io.crewstream.ssegateway.security;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.ssegateway.SseGatewayProperties;
import io.crewstream.ssegateway.api.ApiErrors;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.AuthenticationWebFilter;
import org.springframework.security.web.server.authentication.ServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.NegatedServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatcher;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource;

/**
 * The HTTP edge of the gateway, on Spring Security:
 *
 * <ul>
 * <li><b>Firewall first.</b> Spring Security's {@code StrictServerWebExchangeFirewall} answers 400 to every ambiguous
 * spelling of a path before anything routes it: {@code ;} parameters, encoded {@code /}, {@code .} or {@code %},
 * {@code ..}, {@code //}, {@code /./}, control characters; and to a query that cannot be decoded
 * ({@link QueryDecodingFirewall}).
 * What is left has one meaning, and the rules below see that meaning (the decoded, normalized path the application
 * routes on), not the raw request URI.</li>
 * <li><b>Deny by default.</b> With authentication on (static tokens or a JWT key source configured), every path needs
 * credentials except {@link #PUBLIC_PATHS}: the pages' static files, {@code /contract.js} (names only) and the health
 * probes. A path added later is protected until someone decides otherwise. Credentials are found by
 * {@link CredentialConverter} and checked by {@link ViewerAuthenticationManager}, which makes the request's
 * {@link Viewer}. None: 401 {@code token_missing} with {@code WWW-Authenticate: Bearer}; refused ones: 401 with the
 * {@link AuthRefusal} code saying why. Without authentication every path is open (the firewall still applies).</li>
 * <li><b>CORS</b> (when origins are configured) answers preflights before authentication; they carry no
 * credentials.</li>
 * <li>Every refusal is the API's JSON error body ({@link ApiErrors}), counted in {@value #REJECTED_METRIC} by
 * reason.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class ApiSecurityConfiguration {

    /**
     * Requests refused, tagged {@code reason}: {@code firewall}, {@code malformed} (by the HTTP decoder:
     * {@code MalformedRequests}), or an {@link AuthRefusal} code
     * ({@code token_missing}, {@code token_expired}, {@code ticket_used}, {@code out_of_scope}, ...).
     */
    public static final String REJECTED_METRIC = "crewstream.sse.http.rejected";

    /**
     * Served without a token: nothing here carries session data. The replay and usage pages' files are public like
     * the dashboard's ({@code pages.js} is what the three share, {@code vendor/} the chart library); the data they
     * show comes from {@code /api/**}, which needs the token.
     */
    public static final List<String> PUBLIC_PATHS = List.of("/", "/index.html", "/dashboard.js", "/dashboard.css",
            "/favicon.ico", "/contract.js", "/pages.js", "/replay", "/replay.html", "/replay.js", "/usage",
            "/usage.html", "/usage.js", "/vendor/**", "/actuator/health", "/actuator/health/**");

    private static final Logger logger = LoggerFactory.getLogger(ApiSecurityConfiguration.class);

    @Bean
    SecurityWebFilterChain apiSecurityFilterChain(ServerHttpSecurity http, SseGatewayProperties properties,
            StreamTickets tickets, Clock clock, MeterRegistry meters, ReactorResourceFactory httpResources) {
        http.csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint(unauthenticated(meters))
                        .accessDeniedHandler(forbidden(meters)));

        List<String> origins = properties.cors().allowedOrigins();
        if (origins.isEmpty()) {
            http.cors(ServerHttpSecurity.CorsSpec::disable);
        }
        else {
            http.cors(cors -> cors.configurationSource(corsSource(origins)));
        }

        SseGatewayProperties.Auth auth = properties.auth();
        if (auth.enabled()) {
            Optional<JwtTokens> jwt = auth.jwt().enabled()
                    ? Optional.of(JwtTokens.from(auth.jwt(), JwtKeySource.keySetConnector(httpResources), clock))
                    : Optional.empty();
            AuthenticationWebFilter credentials = new AuthenticationWebFilter(
                    new ViewerAuthenticationManager(auth.tokens(), jwt, tickets));
            credentials.setServerAuthenticationConverter(new CredentialConverter(auth.cookieName()));
            credentials.setAuthenticationFailureHandler(refused(meters));
            // Public paths need no credentials, so stale ones (an old cookie, a bookmarked ?access_token=) must not
            // lock anyone out of the dashboard page, where they would be asked for new ones, or out of the probes.
            credentials.setRequiresAuthenticationMatcher(new NegatedServerWebExchangeMatcher(publicPaths()));
            http.addFilterAt(credentials, SecurityWebFiltersOrder.AUTHENTICATION);
        }

        http.authorizeExchange(exchanges -> {
            exchanges.matchers(publicPaths()).permitAll();
            if (auth.enabled()) {
                // Metrics are totals over every gateway: only for callers who may see every gateway.
                exchanges.pathMatchers("/actuator/**").access((authentication, exchange) -> authentication
                        .map(ApiSecurityConfiguration::seesEveryGateway).defaultIfEmpty(false)
                        .map(AuthorizationDecision::new));
                exchanges.anyExchange().authenticated();
            }
            else {
                exchanges.anyExchange().permitAll();
            }
        });
        return http.build();
    }

    @Bean
    StreamTickets streamTickets(SseGatewayProperties properties, Clock clock) {
        return new StreamTickets(properties.auth().tickets(), clock, new SecureRandom());
    }

    /**
     * Stream tickets per subject per minute ({@code auth.tickets.per-minute}); no cap with authentication off, where
     * every caller is the same anonymous one and tickets are ignored.
     */
    @Bean
    RatePerSubject ticketRate(SseGatewayProperties properties, Clock clock) {
        SseGatewayProperties.Auth auth = properties.auth();
        return new RatePerSubject(auth.enabled() ? auth.tickets().perMinute() : 0, Duration.ofMinutes(1), clock);
    }

    @Bean
    Viewers viewers(SseGatewayProperties properties) {
        return new Viewers(properties.auth().enabled());
    }

    private static boolean seesEveryGateway(Authentication authentication) {
        return authentication instanceof ViewerAuthentication viewer
                && viewer.viewer().scope() instanceof GatewayScope.All;
    }

    private static ServerWebExchangeMatcher publicPaths() {
        return ServerWebExchangeMatchers.pathMatchers(PUBLIC_PATHS.toArray(String[]::new));
    }

    /** Spring Security's strict firewall, also refusing an undecodable query ({@link QueryDecodingFirewall}). */
    @Bean
    ServerWebExchangeFirewall strictFirewall() {
        return new QueryDecodingFirewall();
    }

    /** Every refusal of the firewall answered in the API's error shape, and counted. */
    @Bean
    ServerExchangeRejectedHandler firewallRejections(MeterRegistry meters) {
        return (exchange, rejected) -> {
            // The firewall's message quotes what it refused, a header value (a token) included: not logged.
            logger.debug("Rejected an ambiguous request ({} characters of request path)",
                    exchange.getRequest().getPath().value().length());
            meters.counter(REJECTED_METRIC, "reason", "firewall").increment();
            return ApiErrors.write(exchange.getResponse(), HttpStatus.BAD_REQUEST,
                    rejected instanceof UndecodableQueryException ? rejected.getMessage()
                            : "The request path is ambiguous (encoded '/', '.' or '%', ';' parameters, '..', '//' or "
                                    + "control characters are refused)");
        };
    }

    private static ServerAuthenticationEntryPoint unauthenticated(MeterRegistry meters) {
        return (exchange, failure) -> {
            meters.counter(REJECTED_METRIC, "reason", AuthRefusal.TOKEN_MISSING.code()).increment();
            exchange.getResponse().getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return ApiErrors.write(exchange.getResponse(), AuthRefusal.TOKEN_MISSING,
                    "Credentials are required: 'Authorization: Bearer <token>', the cookie, or a stream ticket");
        };
    }

    /**
     * Credentials presented and refused: 401 with the refusal's code (RFC 6750's {@code invalid_token}); or not
     * checked because the keys to check them with cannot be fetched: 503 with {@code Retry-After}, and no
     * {@code invalid_token}, which would tell the client to throw a good token away.
     */
    private static ServerAuthenticationFailureHandler refused(MeterRegistry meters) {
        return (filterExchange, failure) -> {
            AuthRefusal refusal = (failure instanceof AuthRefusedException refused) ? refused.refusal()
                    : AuthRefusal.TOKEN_INVALID;
            String message = (failure instanceof AuthRefusedException) ? failure.getMessage()
                    : "The token is not accepted";
            meters.counter(REJECTED_METRIC, "reason", refusal.code()).increment();
            ServerHttpResponse response = filterExchange.getExchange().getResponse();
            if (refusal == AuthRefusal.KEYS_UNAVAILABLE) {
                response.getHeaders().set(HttpHeaders.RETRY_AFTER,
                        Long.toString(JwtKeySource.KEY_SET_RETRY_AFTER.toSeconds()));
            }
            else {
                response.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            }
            return ApiErrors.write(response, refusal, message);
        };
    }

    /** The one authorization rule an authenticated caller can fail: the actuator's totals need the {@code *} scope. */
    private static ServerAccessDeniedHandler forbidden(MeterRegistry meters) {
        return (exchange, denied) -> {
            meters.counter(REJECTED_METRIC, "reason", AuthRefusal.OUT_OF_SCOPE.code()).increment();
            return ApiErrors.write(exchange.getResponse(), AuthRefusal.OUT_OF_SCOPE, "The actuator's figures cover "
                    + "every gateway: they need credentials that may see every gateway ('*')");
        };
    }

    private static UrlBasedCorsConfigurationSource corsSource(List<String> origins) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(origins);
        cors.addAllowedMethod("GET");
        // POST /api/stream-tickets: a page on an allowed origin gets its tickets too.
        cors.addAllowedMethod("POST");
        cors.addAllowedHeader("*");
        cors.setAllowCredentials(true);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", cors);
        return source;
    }
}

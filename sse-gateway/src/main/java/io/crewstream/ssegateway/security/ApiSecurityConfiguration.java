package io.crewstream.ssegateway.security;

import java.util.List;

import io.crewstream.ssegateway.SseGatewayProperties;
import io.crewstream.ssegateway.api.ApiErrorController;
import io.crewstream.ssegateway.api.ApiErrors;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.security.authentication.ProviderManager;
import org.springframework.security.config.ObjectPostProcessor;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.WebSecurityCustomizer;
import org.springframework.security.config.annotation.web.configurers.AbstractHttpConfigurer;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.SecurityFilterChain;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.security.web.authentication.AuthenticationFilter;
import org.springframework.security.web.authentication.www.BasicAuthenticationFilter;
import org.springframework.security.web.context.RequestAttributeSecurityContextRepository;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.header.HeaderWriterFilter;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.NegatedRequestMatcher;
import org.springframework.security.web.util.matcher.OrRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;

/**
 * The HTTP edge of the gateway, on Spring Security:
 *
 * <ul>
 * <li><b>Firewall first.</b> Spring Security's {@code StrictHttpFirewall} answers 400 to every ambiguous spelling of
 * a path before anything routes it: {@code ;} parameters, encoded {@code /}, {@code .} or {@code %}, {@code ..},
 * {@code //}, {@code /./}, control characters; and to a query Tomcat cannot decode ({@link QueryDecodingFirewall}).
 * What is left has one meaning, and the rules below see that meaning (the decoded, normalized path the application
 * routes on), not the raw request URI.</li>
 * <li><b>Deny by default.</b> With tokens configured, every path needs one except {@link #PUBLIC_PATHS}: the
 * pages' static files, {@code /contract.js} (names only) and the health probes. A path added later is protected until someone decides otherwise. No token: 401 with {@code WWW-Authenticate: Bearer};
 * a wrong one: 403. Without tokens, every path is open (the firewall still applies).</li>
 * <li><b>CORS</b> (when origins are configured) answers preflights before authentication; they carry no
 * credentials.</li>
 * <li>Every refusal is the API's JSON error body ({@link ApiErrors}), counted in {@value #REJECTED_METRIC} by
 * reason.</li>
 * </ul>
 */
@Configuration(proxyBeanMethods = false)
public class ApiSecurityConfiguration {

    /** Requests refused at the edge, tagged {@code reason}: {@code firewall}, {@code unauthenticated}, {@code forbidden}. */
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
    SecurityFilterChain apiSecurityFilterChain(HttpSecurity http, SseGatewayProperties properties,
            MeterRegistry meters) throws Exception {
        http.csrf(AbstractHttpConfigurer::disable)
                .formLogin(AbstractHttpConfigurer::disable)
                .httpBasic(AbstractHttpConfigurer::disable)
                .logout(AbstractHttpConfigurer::disable)
                .requestCache(AbstractHttpConfigurer::disable)
                .sessionManagement(session -> session.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .securityContext(context -> context
                        .securityContextRepository(new RequestAttributeSecurityContextRepository()))
                // Eagerly: written lazily, the headers need a wrapper around the response that every event of every
                // stream would then go through.
                .headers(headers -> headers.withObjectPostProcessor(new ObjectPostProcessor<HeaderWriterFilter>() {
                    @Override
                    public <O extends HeaderWriterFilter> O postProcess(O filter) {
                        filter.setShouldWriteHeadersEagerly(true);
                        return filter;
                    }
                }))
                .exceptionHandling(errors -> errors
                        .authenticationEntryPoint(unauthenticated(meters))
                        .accessDeniedHandler(forbidden(meters)));

        List<String> origins = properties.cors().allowedOrigins();
        if (origins.isEmpty()) {
            http.cors(AbstractHttpConfigurer::disable);
        }
        else {
            http.cors(cors -> cors.configurationSource(corsSource(origins)));
        }

        SseGatewayProperties.Auth auth = properties.auth();
        if (auth.enabled()) {
            AuthenticationFilter tokens = new AuthenticationFilter(
                    new ProviderManager(new ApiTokenAuthenticationProvider(auth.tokens())),
                    new ApiTokenConverter(auth.cookieName()));
            // The chain goes on after a verified token; the default handler would redirect.
            tokens.setSuccessHandler((request, response, authentication) -> {
            });
            tokens.setFailureHandler(wrongToken(meters));
            tokens.setSecurityContextRepository(new RequestAttributeSecurityContextRepository());
            // Public paths need no token, so a stale one (an old cookie, a bookmarked ?access_token=) must not lock
            // anyone out of the dashboard page, where they would be asked for a new one, or out of the probes.
            tokens.setRequestMatcher(new NegatedRequestMatcher(publicPaths()));
            http.addFilterAt(tokens, BasicAuthenticationFilter.class);
        }

        http.authorizeHttpRequests(requests -> {
            // The error page renders the refusal of a request that was itself refused; it serves no data.
            requests.dispatcherTypeMatchers(DispatcherType.ERROR).permitAll();
            requests.requestMatchers(ApiErrorController.PATH).permitAll();
            requests.requestMatchers(publicPaths()).permitAll();
            if (auth.enabled()) {
                requests.anyRequest().authenticated();
            }
            else {
                requests.anyRequest().permitAll();
            }
        });
        return http.build();
    }

    private static RequestMatcher publicPaths() {
        return new OrRequestMatcher(PUBLIC_PATHS.stream()
                .map(path -> (RequestMatcher) PathPatternRequestMatcher.withDefaults().matcher(path)).toList());
    }

    /** Spring Security's strict firewall, with every refusal answered in the API's error shape. */
    @Bean
    WebSecurityCustomizer strictFirewall(MeterRegistry meters) {
        return web -> web.httpFirewall(new QueryDecodingFirewall()).requestRejectedHandler(pathRejected(meters));
    }

    private static RequestRejectedHandler pathRejected(MeterRegistry meters) {
        return (request, response, rejected) -> {
            // The firewall's message quotes what it refused, a header value (a token) included: not logged.
            logger.debug("Rejected an ambiguous request ({} characters of request URI)",
                    String.valueOf(request.getRequestURI()).length());
            meters.counter(REJECTED_METRIC, "reason", "firewall").increment();
            ApiErrors.write(response, HttpStatus.BAD_REQUEST, rejected instanceof UndecodableQueryException
                    ? rejected.getMessage()
                    : "The request path is ambiguous (encoded '/', '.' or '%', ';' parameters, '..', '//' or "
                            + "control characters are refused)");
        };
    }

    private static AuthenticationEntryPoint unauthenticated(MeterRegistry meters) {
        return (request, response, failure) -> {
            meters.counter(REJECTED_METRIC, "reason", "unauthenticated").increment();
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            ApiErrors.write(response, HttpStatus.UNAUTHORIZED, "A bearer token is required");
        };
    }

    private static AuthenticationFailureHandler wrongToken(MeterRegistry meters) {
        return (request, response, failure) -> {
            meters.counter(REJECTED_METRIC, "reason", "forbidden").increment();
            response.setHeader(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\"");
            ApiErrors.write(response, HttpStatus.FORBIDDEN, "The token is not accepted");
        };
    }

    private static AccessDeniedHandler forbidden(MeterRegistry meters) {
        return (request, response, denied) -> {
            meters.counter(REJECTED_METRIC, "reason", "forbidden").increment();
            ApiErrors.write(response, HttpStatus.FORBIDDEN, "Access denied");
        };
    }

    private static UrlBasedCorsConfigurationSource corsSource(List<String> origins) {
        CorsConfiguration cors = new CorsConfiguration();
        cors.setAllowedOrigins(origins);
        cors.addAllowedMethod("GET");
        cors.addAllowedHeader("*");
        cors.setAllowCredentials(true);
        UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
        source.registerCorsConfiguration("/api/**", cors);
        return source;
    }
}

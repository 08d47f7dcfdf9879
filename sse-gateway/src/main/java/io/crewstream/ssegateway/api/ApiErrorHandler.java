package io.crewstream.ssegateway.api;

import io.crewstream.ssegateway.security.AccessRefusedException;
import io.crewstream.ssegateway.security.ApiSecurityConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;

/**
 * Every error that gets past the handlers (an unknown path, a method not allowed, a malformed parameter, an
 * exception a handler did not expect) answered in the API's JSON error shape, whatever the client accepts: no
 * white-label page, no stack trace. The message is the status's reason phrase, or the application's own message
 * ({@link InvalidRequestException}); never an exception's text, which can quote anything. Ordered before Spring
 * Boot's own error handler, which would render HTML or its own JSON. A handler's refusal of a caller
 * ({@link AccessRefusedException}: out of scope, too many streams or tickets) is answered with its code and counted
 * here, in {@value ApiSecurityConfiguration#REJECTED_METRIC} by reason. Stateless.
 */
@Component
@Order(-2)
public class ApiErrorHandler implements WebExceptionHandler {

    private static final Logger logger = LoggerFactory.getLogger(ApiErrorHandler.class);

    private final MeterRegistry meters;

    public ApiErrorHandler(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable failure) {
        if (exchange.getResponse().isCommitted()) {
            // A stream or a body is already going out: nothing left to tell the client, and the failure is not
            // passed on, since WebFlux's own last resort logs the request with its query (a token, maybe).
            logger.debug("Request to {} failed after its response started: {}", exchange.getRequest().getPath().value(),
                    failure.toString());
            return Mono.empty();
        }
        if (failure instanceof AccessRefusedException refused) {
            // The one place a handler's refusal of a caller is counted: whoever throws it must not count it too.
            this.meters.counter(ApiSecurityConfiguration.REJECTED_METRIC, "reason", refused.refusal().code())
                    .increment();
            refused.retryAfter().ifPresent(after -> exchange.getResponse().getHeaders()
                    .set(HttpHeaders.RETRY_AFTER, Long.toString(Math.max(1, after.toSeconds()))));
            return ApiErrors.write(exchange.getResponse(), refused.refusal(), refused.getMessage());
        }
        if (failure instanceof InvalidRequestException invalid) {
            return ApiErrors.write(exchange.getResponse(), HttpStatus.BAD_REQUEST, invalid.getMessage());
        }
        HttpStatus status = HttpStatus.INTERNAL_SERVER_ERROR;
        if (failure instanceof ResponseStatusException refused) {
            HttpStatusCode code = refused.getStatusCode();
            HttpStatus known = HttpStatus.resolve(code.value());
            status = (known != null && known.isError()) ? known : HttpStatus.INTERNAL_SERVER_ERROR;
            refused.getHeaders().forEach((name, values) -> exchange.getResponse().getHeaders().put(name, values));
        }
        if (status == HttpStatus.INTERNAL_SERVER_ERROR) {
            logger.error("Request to {} failed", exchange.getRequest().getPath().value(), failure);
        }
        return ApiErrors.write(exchange.getResponse(), status, status.getReasonPhrase());
    }
}

package io.crewstream.ssegateway.security;

import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.crewstream.schemas.sse.AuthRefusal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.web.reactive.function.client.WebClientRequestException;
import org.springframework.web.reactive.function.client.WebClientResponseException;

/**
 * Tells operators that a JWKS cannot be fetched, and when it can again, without a line per refused request: WARN at
 * the first failure, then at most once per {@link #REPEAT} with the number of failures since, INFO once keys are
 * obtained again. A line names the JWKS's host and what went wrong (an HTTP status, a connection failure, a body that
 * is not a JWK set), never a token and never an exception's text (which quotes URLs and bodies). Thread-safe: called
 * from any event loop; a successful fetch costs a volatile read while nothing has failed.
 */
final class KeySetOutage {

    static final Duration REPEAT = Duration.ofMinutes(1);

    private static final String UNAVAILABLE = AuthRefusal.KEYS_UNAVAILABLE.code();

    private static final String CONSEQUENCE = "JWTs signed with keys fetched before are still checked with them, "
            + "others are answered 503 {}";

    private static final Logger logger = LoggerFactory.getLogger(KeySetOutage.class);

    private final String host;

    private final Clock clock;

    private volatile State state = new Reachable();

    KeySetOutage(String host, Clock clock) {
        this.host = host;
        this.clock = clock;
    }

    synchronized void keysUnavailable(Throwable failure) {
        Instant now = this.clock.instant();
        if (this.state instanceof Failing failing) {
            if (now.isBefore(failing.loggedAt().plus(REPEAT))) {
                this.state = new Failing(failing.since(), failing.loggedAt(), failing.unlogged() + 1);
                return;
            }
            logger.warn("The JWKS at {} still cannot be fetched ({}; {} more failures since {}): " + CONSEQUENCE,
                    this.host, cause(failure), failing.unlogged(), failing.loggedAt(), UNAVAILABLE);
        }
        else {
            logger.warn("The JWKS at {} cannot be fetched ({}): " + CONSEQUENCE, this.host, cause(failure),
                    UNAVAILABLE);
        }
        this.state = new Failing((this.state instanceof Failing failing) ? failing.since() : now, now, 0);
    }

    void keysObtained() {
        if (this.state instanceof Reachable) {
            return;
        }
        synchronized (this) {
            if (this.state instanceof Failing failing) {
                logger.info("The JWKS at {} answers again (it failed from {})", this.host, failing.since());
                this.state = new Reachable();
            }
        }
    }

    /** What went wrong, in words that quote nothing received or requested. */
    static String cause(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof WebClientResponseException response) {
                return "HTTP " + response.getStatusCode().value();
            }
            if (cause instanceof ParseException) {
                return "its body is not a JWK set";
            }
            if (cause instanceof WebClientRequestException request) {
                Throwable reason = (request.getCause() != null) ? request.getCause() : request;
                return "request failed: " + reason.getClass().getSimpleName();
            }
        }
        return failure.getClass().getSimpleName();
    }

    private sealed interface State {
    }

    private record Reachable() implements State {
    }

    /**
     * @param since the first failure of this outage
     * @param loggedAt when it was last logged
     * @param unlogged failures since then
     */
    private record Failing(Instant since, Instant loggedAt, long unlogged) implements State {
    }
}

package io.crewstream.ssegateway.security;

import java.time.Duration;
import java.util.Optional;

import io.crewstream.schemas.sse.AuthRefusal;

/**
 * A handler's refusal of an authenticated caller: a gateway outside its scope (403), too many streams or tickets
 * (429). Answered by {@link io.crewstream.ssegateway.api.ApiErrorHandler} in the API's error shape with the
 * refusal's code, and a {@code Retry-After} when one is known. The message is written to the client: it must name
 * no credential.
 */
public final class AccessRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final AuthRefusal refusal;

    private final transient Optional<Duration> retryAfter;

    public AccessRefusedException(AuthRefusal refusal, String message) {
        this(refusal, message, Optional.empty());
    }

    public AccessRefusedException(AuthRefusal refusal, String message, Optional<Duration> retryAfter) {
        super(message, null, false, false);
        this.refusal = refusal;
        this.retryAfter = retryAfter;
    }

    public AuthRefusal refusal() {
        return this.refusal;
    }

    public Optional<Duration> retryAfter() {
        return this.retryAfter;
    }
}

package io.crewstream.ssegateway.security;

import io.crewstream.schemas.sse.AuthRefusal;

import org.springframework.security.core.AuthenticationException;

/**
 * Credentials that were presented and refused (401): why, as a {@link AuthRefusal} code the client can act on, and
 * a message for people. The message is written to the client and may be logged: it must never quote the
 * credential, nor a library's exception text (which can).
 */
public final class AuthRefusedException extends AuthenticationException {

    private static final long serialVersionUID = 1L;

    private final AuthRefusal refusal;

    public AuthRefusedException(AuthRefusal refusal, String message) {
        super(message);
        this.refusal = refusal;
    }

    public AuthRefusal refusal() {
        return this.refusal;
    }
}

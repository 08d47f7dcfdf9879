package io.crewstream.ssegateway.api;

/**
 * A request the API cannot serve as asked (a blank filter value, a control character in one, ...): answered with
 * 400 and the message, which must therefore never quote a secret.
 */
public class InvalidRequestException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public InvalidRequestException(String message) {
        super(message);
    }
}

package io.crewstream.schemas.sse;

/**
 * Why the SSE gateway's API refused a caller: the {@code reason} of its JSON error body
 * ({@code {"status":401,"error":"...","reason":"token_expired"}}) and the {@code reason} tag of the refusal metric.
 * A client decides by the code, never by the human-readable text: {@code token_expired} means "renew the token and
 * retry", {@code out_of_scope} means "this token will never see that gateway".
 */
public enum AuthRefusal {

    /** 401: the request carries no credentials. */
    TOKEN_MISSING("token_missing", 401),
    /** 401: the token is not one this gateway accepts (unknown static token, bad signature, unsigned, malformed). */
    TOKEN_INVALID("token_invalid", 401),
    /** 401: the token's issuer or audience is not the configured one. */
    TOKEN_WRONG_ISSUER_OR_AUDIENCE("token_wrong_issuer_or_audience", 401),
    /** 401: the token has expired (or is not valid yet), beyond the allowed clock skew. */
    TOKEN_EXPIRED("token_expired", 401),
    /**
     * 401: a JWT was sent in the URL ({@code ?access_token=}). URLs end up in histories and access logs; send it in
     * the {@code Authorization} header, or exchange it for a stream ticket.
     */
    TOKEN_IN_URL("token_in_url", 401),
    /** 401: the stream ticket is malformed, forged, or was issued for another gateway deployment. */
    TICKET_INVALID("ticket_invalid", 401),
    /** 401: the stream ticket has been used already (tickets are single-use). */
    TICKET_USED("ticket_used", 401),
    /** 401: the stream ticket has expired (they live for seconds). */
    TICKET_EXPIRED("ticket_expired", 401),
    /** 403: the request names a gateway outside the caller's scope. */
    OUT_OF_SCOPE("out_of_scope", 403),
    /** 429: the caller holds as many open streams as allowed. */
    TOO_MANY_STREAMS("too_many_streams", 429),
    /** 429: the caller asked for more stream tickets in the last minute than allowed. */
    TOO_MANY_TICKETS("too_many_tickets", 429),
    /**
     * 503: the identity provider's keys (its JWKS) could not be fetched, so no JWT can be checked right now. Not the
     * caller's fault and not a verdict on its token: keep the token and retry after {@code Retry-After}.
     */
    KEYS_UNAVAILABLE("keys_unavailable", 503);

    private final String code;

    private final int status;

    AuthRefusal(String code, int status) {
        this.code = code;
        this.status = status;
    }

    /** The wire code. */
    public String code() {
        return this.code;
    }

    /** The HTTP status it is answered with. */
    public int status() {
        return this.status;
    }
}

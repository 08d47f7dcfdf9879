package io.crewstream.ssegateway.security;

import io.crewstream.ssegateway.api.ApiErrors;

import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;

/** A query string that cannot be decoded: refused like the firewall refuses a path ({@link QueryDecodingFirewall}). */
final class UndecodableQueryException extends ServerExchangeRejectedException {

    private static final long serialVersionUID = 1L;

    UndecodableQueryException() {
        super(ApiErrors.UNDECODABLE_QUERY);
    }
}

package io.crewstream.ssegateway.security;

import io.crewstream.ssegateway.api.ApiErrorController;
import org.springframework.security.web.firewall.RequestRejectedException;

/** A query string Tomcat cannot decode: refused like the firewall refuses a path ({@link QueryDecodingFirewall}). */
final class UndecodableQueryException extends RequestRejectedException {

    private static final long serialVersionUID = 1L;

    UndecodableQueryException() {
        super(ApiErrorController.UNDECODABLE_QUERY);
    }
}

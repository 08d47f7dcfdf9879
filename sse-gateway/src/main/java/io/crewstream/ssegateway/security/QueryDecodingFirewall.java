package io.crewstream.ssegateway.security;

import jakarta.servlet.http.HttpServletRequest;

import org.springframework.security.web.firewall.FirewalledRequest;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * {@link StrictHttpFirewall}, which also refuses a query string Tomcat cannot decode: every part of the application
 * reads parameters (the token, the filters, the replay questions), and each would otherwise meet Tomcat's refusal
 * on its own, as an exception whose message quotes the parameter. Here it is met once, before anything routes the
 * request, with auth on or off, and answered like a refused path. Thread-safe (stateless).
 */
final class QueryDecodingFirewall extends StrictHttpFirewall {

    @Override
    public FirewalledRequest getFirewalledRequest(HttpServletRequest request) {
        FirewalledRequest firewalled = super.getFirewalledRequest(request);
        try {
            // Tomcat parses the whole query on first access and remembers the outcome.
            firewalled.getParameterMap();
        }
        catch (IllegalStateException undecodable) {
            throw new UndecodableQueryException();
        }
        return firewalled;
    }
}

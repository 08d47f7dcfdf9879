package io.crewstream.ssegateway.api;

import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.ssegateway.security.AccessRefusedException;
import io.crewstream.ssegateway.security.GatewayScope;

/**
 * The one refusal of a request that names a gateway outside its caller's {@link GatewayScope}: 403
 * {@code out_of_scope} ({@link AccessRefusedException}, answered and counted by {@link ApiErrorHandler}), never an
 * empty answer that would read as "that gateway has nothing". Checked before anything is looked up, so the refusal is
 * the same whether or not such a gateway exists. Stateless.
 */
public final class ScopeRefusals {

    private ScopeRefusals() {
    }

    /**
     * @param connectionId a well-formed connection id the request named (the caller's own words, so it may be quoted)
     * @throws AccessRefusedException ({@code out_of_scope}) when the scope does not permit it
     */
    public static void requirePermitted(GatewayScope scope, String connectionId) {
        if (!scope.permits(connectionId)) {
            throw new AccessRefusedException(AuthRefusal.OUT_OF_SCOPE, "?" + QueryParameters.CONNECTION + "= names "
                    + "a gateway outside what these credentials may see: " + connectionId);
        }
    }
}

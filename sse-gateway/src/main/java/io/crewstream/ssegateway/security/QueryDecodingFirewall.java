package io.crewstream.ssegateway.security;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

import reactor.core.publisher.Mono;

import org.springframework.security.web.server.firewall.ServerWebExchangeFirewall;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;

/**
 * Spring Security's {@link StrictServerWebExchangeFirewall}, which also refuses a query string that cannot be
 * decoded (a {@code %} not followed by two hex digits, escapes that are not UTF-8): every part of the application
 * reads parameters (the token, the filters, the replay questions), and each would otherwise meet the decoder's
 * refusal on its own, as an exception whose message quotes the parameter. Here it is met once, before anything
 * routes the request, with auth on or off, and answered like a refused path. Thread-safe (stateless).
 */
final class QueryDecodingFirewall implements ServerWebExchangeFirewall {

    private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();

    @Override
    public Mono<ServerWebExchange> getFirewalledExchange(ServerWebExchange exchange) {
        return this.strict.getFirewalledExchange(exchange).flatMap(firewalled -> {
            String query = firewalled.getRequest().getURI().getRawQuery();
            return (query == null || decodable(query)) ? Mono.just(firewalled)
                    : Mono.error(new UndecodableQueryException());
        });
    }

    /** Whether every {@code %} escape of {@code query} is well formed and the escapes decode as UTF-8. */
    static boolean decodable(String query) {
        for (String part : query.split("[&=]", -1)) {
            if (part.indexOf('%') < 0) {
                continue;
            }
            ByteBuffer bytes = ByteBuffer.allocate(part.length());
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c == '%') {
                    if (i + 2 >= part.length()) {
                        return false;
                    }
                    int high = Character.digit(part.charAt(i + 1), 16);
                    int low = Character.digit(part.charAt(i + 2), 16);
                    if (high < 0 || low < 0) {
                        return false;
                    }
                    bytes.put((byte) (high * 16 + low));
                    i += 2;
                }
                else if (c < 0x80) {
                    bytes.put((byte) c);
                }
                else {
                    // Not in a raw query (java.net.URI would have refused it); nothing to decode.
                    return false;
                }
            }
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(bytes.flip());
            }
            catch (CharacterCodingException ex) {
                return false;
            }
        }
        return true;
    }
}

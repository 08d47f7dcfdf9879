package io.crewstream.ssegateway.api;

import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.AuthRefusal;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpResponse;

/**
 * The API's one error body, {@code {"status":400,"error":"..."}}, for every error the gateway answers: a rejected
 * path, a missing or wrong token, a malformed parameter, a table still loading, a container error. Never an HTML
 * page, never a stack trace, never an echo of a token. Stateless.
 */
public final class ApiErrors {

    /** The answer to a query string that cannot be decoded, wherever it is refused. */
    public static final String UNDECODABLE_QUERY = "The query string could not be decoded";

    private ApiErrors() {
    }

    public static byte[] body(HttpStatus status, String message) {
        return body(status, message, null);
    }

    /** @param reason the machine-readable code ({@link AuthRefusal#code()}), or null for none */
    public static byte[] body(HttpStatus status, String message, String reason) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.value());
        body.put("error", message);
        if (reason != null) {
            body.put("reason", reason);
        }
        return ContractJson.mapper().writeValueAsBytes(body);
    }

    /** A refused caller: the refusal's status, the message, and the refusal's code as {@code reason}. */
    public static Mono<Void> write(ServerHttpResponse response, AuthRefusal refusal, String message) {
        return write(response, HttpStatus.valueOf(refusal.status()), body(HttpStatus.valueOf(refusal.status()),
                message, refusal.code()));
    }

    public static ResponseEntity<byte[]> entity(AuthRefusal refusal, String message) {
        HttpStatus status = HttpStatus.valueOf(refusal.status());
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON)
                .body(body(status, message, refusal.code()));
    }

    public static ResponseEntity<byte[]> entity(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body(status, message));
    }

    /** Writes the error to a response that is not committed yet; a HEAD request gets the headers only. */
    public static Mono<Void> write(ServerHttpResponse response, HttpStatus status, String message) {
        return write(response, status, body(status, message));
    }

    private static Mono<Void> write(ServerHttpResponse response, HttpStatus status, byte[] body) {
        if (response.isCommitted()) {
            return Mono.empty();
        }
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_JSON);
        response.getHeaders().setContentLength(body.length);
        return response.writeWith(Mono.just(response.bufferFactory().wrap(body)));
    }
}

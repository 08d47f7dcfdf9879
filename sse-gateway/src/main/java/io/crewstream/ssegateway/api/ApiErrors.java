package io.crewstream.ssegateway.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.schemas.serde.ContractJson;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/**
 * The API's one error body, {@code {"status":400,"error":"..."}}, for every error the gateway answers: a rejected
 * path, a missing or wrong token, a malformed parameter, a table still loading, a container error. Never an HTML
 * page, never a stack trace, never an echo of a token. Stateless.
 */
public final class ApiErrors {

    private ApiErrors() {
    }

    public static byte[] body(HttpStatus status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status.value());
        body.put("error", message);
        return ContractJson.mapper().writeValueAsBytes(body);
    }

    public static ResponseEntity<byte[]> entity(HttpStatus status, String message) {
        return ResponseEntity.status(status).contentType(MediaType.APPLICATION_JSON).body(body(status, message));
    }

    /** Writes the error to a response that is not committed yet; a HEAD request gets the headers only. */
    public static void write(HttpServletResponse response, HttpStatus status, String message) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        byte[] body = body(status, message);
        response.resetBuffer();
        response.setStatus(status.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
        response.flushBuffer();
    }
}

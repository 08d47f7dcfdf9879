package io.crewstream.ssegateway.api;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;

/**
 * Tomcat's error report for what it refuses before any application code runs (an encoded {@code /} in the path, a
 * request line or header block over the limit, a character a request target may not hold), in the API's JSON error
 * shape instead of Tomcat's HTML page. The message is the status's reason phrase only: Tomcat's own message can
 * quote the request. Attached to the host in place of the default valve ({@code ApiErrorPages}). Stateless.
 */
public final class ApiErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int code = response.getStatus();
        // As Tomcat's own valves: nothing for a success, nothing once a body is out, nothing twice.
        if (code < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        HttpStatus status = HttpStatus.resolve(code);
        String body = new String(ApiErrors.body(status != null ? status : HttpStatus.BAD_REQUEST,
                status != null ? status.getReasonPhrase() : "Error " + code), StandardCharsets.UTF_8);
        try {
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.setCharacterEncoding(StandardCharsets.UTF_8.name());
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(body);
                response.finishResponse();
            }
        }
        catch (IOException | IllegalStateException ex) {
            // The client is gone or the response cannot take a body: nothing left to tell it.
        }
    }
}

package io.crewstream.sim.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

import io.crewstream.sim.control.FaultState;

/**
 * Plain HTTP on the gateway port: {@code /healthz} (liveness) and {@code /readyz} (200 once started, 503 while the
 * "starting" fault is on), like the real gateway. Threading: stateless; called concurrently by Jetty.
 */
final class ProbeHandler extends Handler.Abstract.NonBlocking {

    private final FaultState faults;

    ProbeHandler(FaultState faults) {
        this.faults = faults;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = Request.getPathInContext(request);
        if ("/healthz".equals(path)) {
            return respond(response, callback, HttpStatus.OK_200, "{\"ok\":true}");
        }
        if ("/readyz".equals(path)) {
            boolean ready = faults.startingRetryAfter() == null;
            return respond(response, callback, ready ? HttpStatus.OK_200 : HttpStatus.SERVICE_UNAVAILABLE_503,
                    "{\"ready\":" + ready + ",\"failing\":" + (ready ? "[]" : "[\"startup-sidecars\"]") + "}");
        }
        return false;
    }

    private static boolean respond(Response response, Callback callback, int status, String body) {
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
    }
}

package io.crewstream.sim.server;

import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

import io.crewstream.sim.control.FaultState;
import io.crewstream.sim.protocol.CloseCodes;
import io.crewstream.sim.protocol.ConnectDecision;
import io.crewstream.sim.protocol.ConnectValidator;
import io.crewstream.sim.protocol.Frames;
import io.crewstream.sim.protocol.GatewayError;
import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.protocol.ParamSchemas;
import io.crewstream.sim.protocol.Scopes;

/**
 * Turns inbound text into protocol actions: the challenge on open, the handshake, then RPCs.
 *
 * <p>Threading: called by Jetty, one frame at a time per socket, concurrently for different sockets. It keeps no
 * per-socket state of its own (that lives in {@link GatewayConnection}). Delayed responses (the slow fault) and the
 * handshake timeout run on the simulator's scheduler thread.
 */
final class RequestHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestHandler.class);
    private static final String CONNECT = "connect";
    /** The id the real gateway answers with when a frame has none. */
    private static final String INVALID_ID = "invalid";

    private final SimulatorConfig config;
    private final ConnectValidator validator;
    private final GatewayMethods methods;
    private final FaultState faults;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final String bootId = UUID.randomUUID().toString();
    private final long startedAtMs;

    RequestHandler(SimulatorConfig config, GatewayMethods methods, FaultState faults,
            ScheduledExecutorService scheduler, Clock clock) {
        this.config = config;
        this.validator = new ConnectValidator(config.token());
        this.methods = methods;
        this.faults = faults;
        this.scheduler = scheduler;
        this.clock = clock;
        this.startedAtMs = clock.millis();
    }

    void opened(GatewayConnection connection) {
        connection.sendUnsequenced(Frames.challenge(UUID.randomUUID(), clock.millis()));
        connection.handshakeTimeout(scheduler.schedule(() -> {
            if (!connection.authenticated()) {
                connection.close(CloseCodes.POLICY_VIOLATION, "handshake timeout");
            }
        }, config.handshakeTimeout().toMillis(), TimeUnit.MILLISECONDS));
    }

    void handle(GatewayConnection connection, String text) {
        JsonNode frame;
        try {
            frame = Json.read(text);
        } catch (JacksonException ex) {
            // Observed: before the handshake the real gateway closes with a plain 1000; afterwards it ignores the text.
            log.info("connection {} sent text that is not JSON; {}", connection.connId(),
                    connection.authenticated() ? "ignored" : "closing");
            if (!connection.authenticated()) {
                connection.close(CloseCodes.NORMAL, "");
            }
            return;
        }
        Optional<String> violation = ParamSchemas.REQUEST_FRAME.violation(frame);
        if (violation.isPresent()) {
            String id = frame.path("id").isString() && !frame.get("id").stringValue().isEmpty()
                    ? frame.get("id").stringValue() : INVALID_ID;
            GatewayError error = GatewayError.invalidRequest("invalid request frame: " + violation.get());
            if (connection.authenticated()) {
                connection.sendUnsequenced(Frames.error(id, error));
            } else {
                reject(connection, id, error, CloseCodes.POLICY_VIOLATION);
            }
            return;
        }
        String id = frame.get("id").stringValue();
        String method = frame.get("method").stringValue();
        JsonNode params = frame.get("params");
        if (!connection.authenticated()) {
            if (!CONNECT.equals(method)) {
                reject(connection, id, GatewayError.invalidRequest("invalid handshake: first request must be connect"),
                        CloseCodes.POLICY_VIOLATION);
                return;
            }
            later(() -> connect(connection, id, params));
            return;
        }
        if (CONNECT.equals(method)) {
            // Observed: a repeated connect is scope-checked like an admin method before it is refused.
            GatewayError error = Scopes.grants(connection.scopes(), Scopes.ADMIN)
                    ? GatewayError.invalidRequest("connect is only valid as the first request")
                    : GatewayError.missingScope(Scopes.ADMIN);
            connection.sendUnsequenced(Frames.error(id, error));
            return;
        }
        later(() -> methods.invoke(connection, id, method, params));
    }

    private void connect(GatewayConnection connection, String id, JsonNode params) {
        Duration retryAfter = faults.startingRetryAfter();
        if (retryAfter != null) {
            connection.sendUnsequenced(Frames.error(id, GatewayError.starting(retryAfter.toMillis())));
            connection.close(CloseCodes.TRY_AGAIN_LATER, "gateway starting");
            return;
        }
        ConnectDecision decision = validator.decide(params == null ? Json.object() : params,
                connection.directLoopback());
        if (decision instanceof ConnectDecision.Accepted && faults.rejectAuth()) {
            decision = new ConnectDecision.Rejected(GatewayError.tokenMismatch(), CloseCodes.POLICY_VIOLATION);
        }
        if (decision instanceof ConnectDecision.Rejected rejected) {
            reject(connection, id, rejected.error(), rejected.closeCode());
            return;
        }
        ConnectDecision.Accepted accepted = (ConnectDecision.Accepted) decision;
        connection.completeHandshake(Frames.response(id, HelloOk.build(config, bootId, connection.connId(),
                accepted.role(), accepted.scopes(), clock.millis() - startedAtMs, methods.health())),
                accepted.scopes(), declaredCaps(params), config.maxPayload());
        log.debug("connection {} authenticated with scopes {}", connection.connId(), accepted.scopes());
    }

    /** The schema already checked that {@code caps}, when present, is a string array. */
    private static java.util.List<String> declaredCaps(JsonNode params) {
        java.util.List<String> caps = new java.util.ArrayList<>();
        if (params != null) {
            params.path("caps").forEach(cap -> caps.add(cap.asString()));
        }
        return caps;
    }

    private void reject(GatewayConnection connection, String id, GatewayError error, int closeCode) {
        connection.sendUnsequenced(Frames.error(id, error));
        connection.close(closeCode, error.message());
    }

    /** Runs {@code action} now, or after the slow-response delay when that fault is on. */
    private void later(Runnable action) {
        Duration delay = faults.responseDelay();
        if (delay.isZero()) {
            action.run();
        } else {
            scheduler.schedule(action, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}

package io.crewstream.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.control.ChurnGenerator;
import io.crewstream.sim.control.Faults;
import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.run.RunHandle;
import io.crewstream.sim.run.RunScript;
import io.crewstream.sim.run.RunScriptSpec;
import io.crewstream.sim.run.Usage;
import io.crewstream.sim.session.Agent;
import io.crewstream.sim.server.OpenClawSimulator;

/**
 * A small HTTP control port for humans and scripts (curl), bound to loopback: {@code GET /} lists the actions,
 * {@code POST /<action>?param=value} runs one and answers JSON. See the module README for the list.
 *
 * <p>Threading: the JDK HTTP server runs handlers on one own thread ("openclaw-sim-control"); the simulator and the
 * churn generator it drives are thread-safe. {@link #start()} and {@link #stop()} are called by the owning thread.
 */
final class ControlHttpServer {

    private static final Logger log = LoggerFactory.getLogger(ControlHttpServer.class);

    private final OpenClawSimulator simulator;
    private final ChurnGenerator churn;
    private final int port;
    private final Map<String, Function<Map<String, String>, ObjectNode>> actions = new LinkedHashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    /** @param churn nullable when no churn runs */
    ControlHttpServer(OpenClawSimulator simulator, ChurnGenerator churn, int port) {
        this.simulator = simulator;
        this.churn = churn;
        this.port = port;
    }

    void start() throws IOException {
        registerActions();
        executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openclaw-sim-control");
            thread.setDaemon(true);
            return thread;
        });
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 16);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
        log.info("control port on http://127.0.0.1:{}/ (GET / lists actions)", boundPort());
    }

    int boundPort() {
        return server.getAddress().getPort();
    }

    void stop() {
        if (server != null) {
            server.stop(0);
            executor.shutdownNow();
        }
    }

    private void registerActions() {
        Faults faults = simulator.faults();
        actions.put("status", params -> status());
        actions.put("sessions/create", params -> simulator.sessions().create(required(params, "key"), fields(params)));
        actions.put("sessions/patch", params ->
                simulator.sessions().patch(required(params, "key"), fields(params), null));
        actions.put("sessions/delete", params -> Json.object().put("deleted",
                simulator.sessions().delete(required(params, "key")).isPresent()));
        actions.put("runs/script", params -> {
            RunScript script = RunScriptSpec.parse(params.get("steps"), params.get("end"), params.get("message"),
                    new Usage(number(params, "inputTokens", 1200), number(params, "outputTokens", 300)));
            RunHandle run = simulator.runs().start(required(params, "key"));
            simulator.runs().play(run, script);
            return Json.object().put("runId", run.runId()).put("durationMs", script.duration().toMillis());
        });
        actions.put("runs/open", params -> {
            ObjectNode result = Json.object();
            simulator.runs().openRunIds().forEach(result.putArray("runIds")::add);
            return result;
        });
        actions.put("agents/add", params -> {
            String id = required(params, "id");
            Agent fallback = simulator.sessions().agents().defaultAgent();
            simulator.addAgent(new Agent(id, params.getOrDefault("name", id), fallback.modelProvider(),
                    fallback.model()));
            return Json.object().put("ok", true).put("agentId", id);
        });
        actions.put("agents/remove", params -> {
            String id = required(params, "id");
            simulator.removeAgent(id);
            return Json.object().put("ok", true).put("agentId", id);
        });
        actions.put("faults/drop", params -> done(faults::dropAllConnections));
        actions.put("faults/silent", params -> done(() -> {
            if (flag(params, "on")) {
                faults.goSilent();
            } else {
                faults.resumeTicks();
            }
        }));
        actions.put("faults/skip-seq", params -> done(() -> faults.skipSeq(number(params, "count", 1))));
        actions.put("faults/restart", params -> done(() ->
                faults.restart(Duration.ofMillis(number(params, "downtimeMs", 2000)))));
        actions.put("faults/reject-auth", params -> done(() -> faults.rejectAuth(flag(params, "on"))));
        actions.put("faults/slow", params -> done(() ->
                faults.slowResponses(Duration.ofMillis(number(params, "delayMs", 0)))));
        actions.put("faults/malformed", params -> done(faults::sendMalformedJson));
        actions.put("faults/oversized", params -> done(faults::sendOversizedFrame));
        actions.put("faults/refuse", params -> done(() -> {
            if (flag(params, "on")) {
                faults.refuseConnections();
            } else {
                faults.acceptConnections();
            }
        }));
        actions.put("faults/starting", params -> done(() -> {
            if (flag(params, "on")) {
                faults.starting(Duration.ofMillis(number(params, "retryAfterMs", 1000)));
            } else {
                faults.started();
            }
        }));
        actions.put("faults/clear", params -> done(faults::clearSwitches));
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String action = exchange.getRequestURI().getPath().replaceFirst("^/", "");
            if (action.isEmpty()) {
                ObjectNode index = Json.object();
                actions.keySet().forEach(index.putArray("actions")::add);
                respond(exchange, 200, index);
                return;
            }
            Function<Map<String, String>, ObjectNode> handler = actions.get(action);
            if (handler == null) {
                respond(exchange, 404, Json.object().put("error", "unknown action: " + action));
                return;
            }
            boolean readOnly = "status".equals(action);
            if (!readOnly && !"POST".equals(exchange.getRequestMethod())) {
                respond(exchange, 405, Json.object().put("error", "use POST for " + action));
                return;
            }
            try {
                respond(exchange, 200, handler.apply(query(exchange.getRequestURI().getRawQuery())));
            } catch (RuntimeException ex) {
                log.info("control action {} failed: {}", action, ex.getMessage());
                respond(exchange, 400, Json.object().put("error", String.valueOf(ex.getMessage())));
            }
        }
    }

    private ObjectNode status() {
        ObjectNode status = Json.object()
                .put("url", simulator.url().toString())
                .put("authenticatedConnections", simulator.authenticatedConnections())
                .put("sessions", simulator.sessions().size());
        if (churn != null) {
            status.set("churn", churn.status());
        }
        status.set("activity", simulator.activity().status());
        return status;
    }

    private static ObjectNode done(Runnable action) {
        action.run();
        return Json.object().put("ok", true);
    }

    /** Every query parameter except {@code key} becomes a string field, {@code true}/{@code false} a boolean. */
    private static ObjectNode fields(Map<String, String> params) {
        ObjectNode fields = Json.object();
        params.forEach((name, value) -> {
            if (!"key".equals(name)) {
                if ("true".equals(value) || "false".equals(value)) {
                    fields.put(name, Boolean.parseBoolean(value));
                } else {
                    fields.put(name, value);
                }
            }
        });
        return fields;
    }

    private static String required(Map<String, String> params, String name) {
        String value = params.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing query parameter '" + name + "'");
        }
        return value;
    }

    private static int number(Map<String, String> params, String name, int fallback) {
        String value = params.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("'" + name + "' must be a whole number, got '" + value + "'");
        }
    }

    private static boolean flag(Map<String, String> params, String name) {
        return !"false".equals(params.getOrDefault(name, "true"));
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return params;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "true" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            params.put(name, value);
        }
        return params;
    }

    private static void respond(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        byte[] bytes = Json.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}

package io.crewstream.ingestor.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal operator client for tests that change a real gateway's sessions (create, patch, delete need write and
 * admin scopes, which the ingestor never asks for). Loopback token path, like the ingestor.
 *
 * <p>Threading: {@link #call} may be used from the test thread; responses complete futures on the JDK's threads.
 */
public final class GatewayRpcClient implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Void> challenged = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private final WebSocket socket;

    public GatewayRpcClient(URI url, String token) throws Exception {
        this.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(url, new Listener())
                .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        this.challenged.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        ObjectNode params = JsonMapper.shared().createObjectNode();
        params.put("minProtocol", 4).put("maxProtocol", 4).put("role", "operator");
        params.putObject("client").put("id", "gateway-client").put("version", "test").put("platform", "linux")
                .put("mode", "backend");
        params.putArray("scopes").add("operator.read").add("operator.write").add("operator.admin");
        params.putObject("auth").put("token", token);
        call("connect", params);
    }

    /** @return the response payload; fails when the gateway answers {@code ok:false} */
    public JsonNode call(String method, ObjectNode params) throws Exception {
        String id = "t" + this.ids.incrementAndGet();
        CompletableFuture<JsonNode> response = new CompletableFuture<>();
        this.pending.put(id, response);
        ObjectNode frame = JsonMapper.shared().createObjectNode().put("type", "req").put("id", id).put("method", method);
        frame.set("params", params);
        this.socket.sendText(JsonMapper.shared().writeValueAsString(frame), true).get(TIMEOUT.toSeconds(),
                TimeUnit.SECONDS);
        JsonNode res = response.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        if (!res.path("ok").asBoolean()) {
            throw new IllegalStateException(method + " failed: " + res.path("error"));
        }
        return res.path("payload");
    }

    @Override
    public void close() {
        this.socket.abort();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder buffer = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            this.buffer.append(data);
            if (last) {
                JsonNode frame = JsonMapper.shared().readTree(this.buffer.toString());
                this.buffer.setLength(0);
                if ("connect.challenge".equals(frame.path("event").asString(""))) {
                    GatewayRpcClient.this.challenged.complete(null);
                }
                CompletableFuture<JsonNode> waiting = GatewayRpcClient.this.pending.remove(frame.path("id").asString(""));
                if (waiting != null) {
                    waiting.complete(frame);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}

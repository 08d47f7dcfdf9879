package io.crewstream.sim.client;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

import org.awaitility.Awaitility;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal protocol-v4 client on the JDK's {@link java.net.http.WebSocket} (no {@code Origin} header, like the
 * crewstream ingestor), used by the conformance suite against both the simulator and a real gateway. It records every
 * inbound message; tests wait on what they need.
 *
 * <p>Threading: the JDK delivers listener callbacks one at a time; recorded frames are in concurrent lists, so test
 * threads may read them at any time.
 */
public final class GatewayTestClient implements AutoCloseable {

    public static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** How the socket ended: the close frame's code and reason, or 1006 when it died without one. */
    public record Close(int code, String reason) {
    }

    private final List<JsonNode> frames = new CopyOnWriteArrayList<>();
    private final List<String> unparsable = new CopyOnWriteArrayList<>();
    private final List<Integer> textSizes = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Close> closed = new CompletableFuture<>();
    private final AtomicLong ids = new AtomicLong();
    private WebSocket socket;

    private GatewayTestClient() {
    }

    public static GatewayTestClient open(URI url) {
        GatewayTestClient client = new GatewayTestClient();
        client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .connectTimeout(TIMEOUT)
                .buildAsync(url, client.new Listener())
                .orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS)
                .join();
        return client;
    }

    /** Opens, waits for the challenge and connects; fails the test when {@code hello-ok} does not come. */
    public static GatewayTestClient connected(URI url, ObjectNode connectParams) {
        GatewayTestClient client = open(url);
        client.challenge();
        JsonNode response = client.request("connect", connectParams);
        if (!response.path("ok").asBoolean(false)) {
            client.close();
            throw new AssertionError("connect was refused: " + response);
        }
        return client;
    }

    /** A loopback {@code gateway-client/backend} connect, the pair that keeps its scopes with only the token. */
    public static ObjectNode backendConnect(String token, String... scopes) {
        return connectParams(token, "gateway-client", "backend", scopes);
    }

    public static ObjectNode connectParams(String token, String clientId, String mode, String... scopes) {
        ObjectNode params = JSON.createObjectNode().put("minProtocol", 4).put("maxProtocol", 4);
        params.putObject("client").put("id", clientId).put("version", "0.1.0").put("platform", "linux")
                .put("mode", mode);
        params.put("role", "operator");
        var scopeArray = params.putArray("scopes");
        for (String scope : scopes) {
            scopeArray.add(scope);
        }
        params.putObject("auth").put("token", token);
        return params;
    }

    public static ObjectNode object() {
        return JSON.createObjectNode();
    }

    public JsonNode challenge() {
        return awaitFrame(frame -> "connect.challenge".equals(frame.path("event").asString("")));
    }

    /** Sends a request and waits for its response frame (ok or not). */
    public JsonNode request(String method, JsonNode params) {
        String id = "t" + ids.incrementAndGet();
        ObjectNode frame = JSON.createObjectNode().put("type", "req").put("id", id).put("method", method);
        frame.set("params", params);
        sendText(JSON.writeValueAsString(frame));
        return awaitFrame(f -> "res".equals(f.path("type").asString("")) && id.equals(f.path("id").asString("")));
    }

    /** Sends a request and returns its payload; fails the test when the response is an error. */
    public JsonNode call(String method, JsonNode params) {
        JsonNode response = request(method, params);
        if (!response.path("ok").asBoolean(false)) {
            throw new AssertionError(method + " failed: " + response.path("error"));
        }
        return response.path("payload");
    }

    public void sendText(String text) {
        socket.sendText(text, true).orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public JsonNode awaitFrame(Predicate<JsonNode> matching) {
        return awaitFrame(matching, TIMEOUT);
    }

    public JsonNode awaitFrame(Predicate<JsonNode> matching, Duration timeout) {
        List<JsonNode> found = new ArrayList<>();
        Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(5)).until(() -> {
            for (JsonNode frame : frames) {
                if (matching.test(frame)) {
                    found.add(frame);
                    return true;
                }
            }
            if (closed.isDone()) {
                throw new AssertionError("socket closed while waiting: " + closed.join());
            }
            return false;
        });
        return found.get(0);
    }

    /** Every parsed frame (responses and events) in arrival order. */
    public List<JsonNode> framesInOrder() {
        return List.copyOf(frames);
    }

    public boolean received(Predicate<JsonNode> matching) {
        return frames.stream().anyMatch(matching);
    }

    public static Predicate<JsonNode> event(String name) {
        return frame -> "event".equals(frame.path("type").asString("")) && name.equals(frame.path("event").asString(""));
    }

    /** Event frames in arrival order, without the (unsequenced) challenge. */
    public List<JsonNode> events() {
        return frames.stream().filter(f -> "event".equals(f.path("type").asString("")))
                .filter(f -> !"connect.challenge".equals(f.path("event").asString(""))).toList();
    }

    public List<JsonNode> events(String name) {
        return events().stream().filter(event(name)).toList();
    }

    public List<String> unparsableTexts() {
        return List.copyOf(unparsable);
    }

    public List<Integer> textSizes() {
        return List.copyOf(textSizes);
    }

    public Close awaitClose() {
        return closed.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join();
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void close() {
        if (!closed.isDone() && !socket.isOutputClosed()) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye");
        }
        socket.abort();
    }

    private final class Listener implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                textSizes.add(text.length());
                try {
                    frames.add(JSON.readTree(text));
                } catch (JacksonException ex) {
                    unparsable.add(text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Close(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Close(1006, String.valueOf(error)));
        }
    }
}

package io.crewstream.bench.client;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseEventType;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What one browser would show: the sessions of one event stream, kept as a map from session key to row, replaced
 * by every refresh and changed by every created/updated/removed event, as CrewHub's dashboard does.
 *
 * <p>Threading: the map is updated on the view's own reader thread and may be read from any thread.
 */
public final class SessionView implements SseListener {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Map<String, JsonNode> sessions = new ConcurrentHashMap<>();

    private final URI events;

    private final AtomicInteger reconnects = new AtomicInteger();

    private volatile boolean refreshed;

    private final java.util.concurrent.atomic.AtomicInteger refreshes = new java.util.concurrent.atomic.AtomicInteger();

    private SessionView(URI events) {
        this.events = events;
    }

    public static SessionView open(URI events) {
        SessionView view = new SessionView(events);
        view.connect();
        return view;
    }

    /**
     * A view that opens no stream of its own: its owner feeds it the events of streams it opens and closes on its own
     * schedule ({@link ReconnectingClients}), so that the view outlives each of them as a browser's page does.
     */
    public static SessionView unconnected() {
        return new SessionView(null);
    }

    private void connect() {
        Thread reader = new Thread(this::read, "bench-session-view");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Reads the stream line by line on a thread of its own, from an input stream: the JDK client's line subscriber
     * was so slow on a 20 MB {@code sessions-refresh} (one data line) that the gateway found this view's socket
     * blocked for its whole slow-client timeout (30 s) and disconnected it, again and again.
     */
    private void read() {
        Throwable failure = null;
        try {
            HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(this.events).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8), 1 << 16)) {
                SseEventParser parser = new SseEventParser(this);
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    parser.line(line);
                }
            }
        }
        catch (IOException ex) {
            failure = ex;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return;
        }
        onClosed(failure);
    }

    /**
     * Reconnects at once, as a browser's EventSource does after its retry delay; the fresh stream starts with a
     * full refresh (the gateway disconnects a client whose socket stays blocked for its slow-client timeout).
     */
    @Override
    public void onClosed(Throwable failure) {
        this.reconnects.incrementAndGet();
        connect();
    }

    /** How often the stream ended and was opened again. */
    public int reconnects() {
        return this.reconnects.get();
    }

    @Override
    public void onEvent(String event, String data) {
        if (event.equals(SseEventType.SESSIONS_REFRESH.eventName())) {
            JsonNode refresh = ContractJson.mapper().readTree(data);
            this.sessions.clear();
            for (JsonNode session : refresh.get("sessions")) {
                this.sessions.put(session.get("key").asString(), session);
            }
            this.refreshed = true;
            this.refreshes.incrementAndGet();
        }
        else if (event.equals(SseEventType.SESSION_CREATED.eventName())
                || event.equals(SseEventType.SESSION_UPDATED.eventName())) {
            // Only what the scenarios compare (key and stamp): a whole-row parse per event would make this client,
            // not the pipeline, the slow part of a 10,000-session burst.
            ObjectNode session = ContractJson.mapper().createObjectNode();
            session.put(BenchTimestamps.FIELD, BenchTimestamps.extract(data));
            this.sessions.put(topLevelKey(data), session);
        }
        else if (event.equals(SseEventType.SESSION_REMOVED.eventName())) {
            this.sessions.remove(topLevelKey(data));
        }
    }

    /** The row's top-level {@code key}, read with the streaming parser and nested objects skipped. */
    static String topLevelKey(String json) {
        try (JsonParser parser = ContractJson.mapper().createParser(json)) {
            parser.nextToken();
            while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                String name = parser.currentName();
                parser.nextToken();
                if (name.equals("key")) {
                    return parser.getString();
                }
                parser.skipChildren();
            }
        }
        throw new IllegalArgumentException("session payload without a key");
    }

    public boolean refreshed() {
        return this.refreshed;
    }

    /** How many {@code sessions-refresh} events (the whole state) this view received. */
    public int refreshes() {
        return this.refreshes.get();
    }

    public int size() {
        return this.sessions.size();
    }

    /** Each shown session's {@link BenchTimestamps#FIELD} (-1 when its row has none), copied now. */
    public Map<String, Long> stamps() {
        Map<String, Long> stamps = new HashMap<>();
        this.sessions.forEach((key, row) -> stamps.put(key,
                row.has(BenchTimestamps.FIELD) ? row.get(BenchTimestamps.FIELD).asLong() : -1));
        return stamps;
    }

    /** Whether the view currently satisfies the condition (evaluated on a snapshot-free live map). */
    public boolean shows(Predicate<Map<String, JsonNode>> condition) {
        return condition.test(this.sessions);
    }
}

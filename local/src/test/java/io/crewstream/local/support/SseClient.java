package io.crewstream.local.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseEventType;
import tools.jackson.databind.JsonNode;

/**
 * A browser stand-in: one real HTTP connection to {@code /api/events} (JDK HttpClient), read line by line on its
 * own thread and parsed into events as EventSource does (fields {@code id:}, {@code event:}, {@code data:}; a blank
 * line ends an event; comments ignored).
 *
 * <p>Threading: one reader thread ("sse-client") parses and appends events; {@link #events()} and the {@code saw…}
 * queries may be called from any thread (the event list is copy-on-write).
 */
public final class SseClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final HttpResponse<Stream<String>> response;
    private final Thread reader;

    private String id;
    private String name;
    private final StringBuilder data = new StringBuilder();

    private SseClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-client");
        this.reader.setDaemon(true);
    }

    /** Opens {@code http://localhost:<port>/api/events} and starts reading. */
    public static SseClient connect(int port) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/events"))
                .header("Accept", "text/event-stream").GET().build();
        try {
            SseClient client = new SseClient(HTTP.send(request, HttpResponse.BodyHandlers.ofLines()));
            if (client.response.statusCode() != 200) {
                throw new IllegalStateException("GET /api/events answered " + client.response.statusCode());
            }
            client.reader.start();
            return client;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** GET a path of the same server, as a string (200 expected). */
    public static String get(int port, String path) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + " answered " + response.statusCode());
            }
            return response.body();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Every event received so far, in order. */
    public List<Event> events() {
        return List.copyOf(this.events);
    }

    /** The events of one type received so far, in order. */
    public List<Event> events(SseEventType type) {
        List<Event> matching = new ArrayList<>();
        for (Event event : this.events) {
            if (event.type() == type) {
                matching.add(event);
            }
        }
        return matching;
    }

    /** Whether a {@code gateway-status} with this state (wire name) has arrived for the connection. */
    public boolean sawGatewayState(String connectionId, String state) {
        return events(SseEventType.GATEWAY_STATUS).stream()
                .anyMatch(event -> connectionId.equals(event.json().path("connectionId").asString())
                        && state.equals(event.json().path("state").asString()));
    }

    /** Whether a {@code session-created} or {@code session-updated} for this key has arrived. */
    public boolean sawSession(String key) {
        return this.events.stream()
                .filter(event -> event.type() == SseEventType.SESSION_CREATED
                        || event.type() == SseEventType.SESSION_UPDATED)
                .anyMatch(event -> key.equals(event.json().path("key").asString()));
    }

    /**
     * The keys of the sessions this client knows of: those of its first {@code sessions-refresh} plus every
     * {@code session-created} since, less every {@code session-removed}.
     */
    public java.util.Set<String> knownSessionKeys() {
        java.util.Set<String> keys = new java.util.TreeSet<>();
        for (Event event : events()) {
            switch (event.type()) {
                case SESSIONS_REFRESH -> {
                    keys.clear();
                    event.json().path("sessions").forEach(session -> keys.add(session.path("key").asString()));
                }
                case SESSION_CREATED, SESSION_UPDATED -> keys.add(event.json().path("key").asString());
                case SESSION_REMOVED -> keys.remove(event.json().path("key").asString());
                default -> {
                }
            }
        }
        return keys;
    }

    /** Whether a {@code session-removed} for this key has arrived. */
    public boolean sawRemoval(String key) {
        return events(SseEventType.SESSION_REMOVED).stream()
                .anyMatch(event -> key.equals(event.json().path("key").asString()));
    }

    @Override
    public void close() {
        this.reader.interrupt();
        this.response.body().close();
    }

    private void read() {
        try (Stream<String> lines = this.response.body()) {
            lines.forEach(this::line);
        }
        catch (RuntimeException ex) {
            // The stream ended: closed by us or by the server.
        }
    }

    private void line(String line) {
        if (line.isEmpty()) {
            if (this.name != null || this.data.length() > 0) {
                this.events.add(new Event(this.id, type(this.name), this.data.toString(), Instant.now()));
            }
            this.name = null;
            this.data.setLength(0);
        }
        else if (line.startsWith("id:")) {
            this.id = line.substring(3).trim();
        }
        else if (line.startsWith("event:")) {
            this.name = line.substring(6).trim();
        }
        else if (line.startsWith("data:")) {
            if (this.data.length() > 0) {
                this.data.append('\n');
            }
            this.data.append(line.substring(5).stripLeading());
        }
    }

    private static SseEventType type(String name) {
        for (SseEventType type : SseEventType.values()) {
            if (type.eventName().equals(name)) {
                return type;
            }
        }
        throw new IllegalStateException("The stream sent an event outside the contract: '" + name + "'");
    }

    /** One event as EventSource delivers it, and when this client had read it whole (for latency reports). */
    public record Event(String id, SseEventType type, String data, Instant receivedAt) {

        public JsonNode json() {
            return ContractJson.mapper().readTree(this.data);
        }
    }
}

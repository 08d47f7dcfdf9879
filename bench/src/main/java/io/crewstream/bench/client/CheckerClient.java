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
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseEventType;
import tools.jackson.databind.JsonNode;

/**
 * A chaos run's browser: keeps the sessions of one event stream as a map from key to the revision the harness
 * stamped in the row ({@code revisionField}), as a dashboard would, and behaves as EventSource does when the stream
 * ends: it waits {@link #RETRY}, then reconnects, with {@code Last-Event-ID} set to the last id it received, to the
 * next gateway of its list (the one it was reading from first, then the others in turn, as a load balancer would
 * send it elsewhere). It keeps its sessions across reconnects: a resumed stream only brings changes.
 *
 * <p>What it counts, for the chaos verdict ({@link #counts()}): duplicates (a {@code session-created} for a key the
 * view already holds, or a key twice in one {@code sessions-refresh}), regressions (a row older, by revision, than
 * the one the view holds), and for every reconnect that got a stream, whether it was resumed (no
 * {@code sessions-refresh} on it) or refreshed.
 *
 * <p>Threading: one daemon reader thread per client applies the stream; the view and the counts may be read from any
 * thread; {@link #close()} from any thread.
 */
public final class CheckerClient implements SseListener, AutoCloseable {

    /** The reconnect delay, as an EventSource's {@code retry} (shorter than the gateway's 3 s hint, to keep runs short). */
    public static final Duration RETRY = Duration.ofMillis(500);

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final String name;

    private final List<URI> gateways;

    private final String revisionField;

    private final Map<String, Long> view = new ConcurrentHashMap<>();

    private final AtomicInteger duplicates = new AtomicInteger();

    private final AtomicInteger regressions = new AtomicInteger();

    private final AtomicInteger reconnects = new AtomicInteger();

    private final AtomicInteger resumed = new AtomicInteger();

    private final AtomicInteger refreshed = new AtomicInteger();

    private volatile boolean closed;

    private volatile boolean loaded;

    private volatile int current;

    // Reader thread only.
    private String lastEventId;

    private boolean reconnected;

    private Thread reader;

    /**
     * @param gateways the {@code /api/events} URIs of every gateway, the one to read from first
     * @param revisionField the row field the harness stamps with a revision on every change
     */
    public CheckerClient(String name, List<URI> gateways, String revisionField) {
        this.name = name;
        this.gateways = List.copyOf(gateways);
        this.revisionField = revisionField;
    }

    /** Starts reading. */
    public CheckerClient start() {
        this.reader = new Thread(this::readLoop, "checker-" + this.name);
        this.reader.setDaemon(true);
        this.reader.start();
        return this;
    }

    private void readLoop() {
        boolean first = true;
        while (!this.closed) {
            if (!first) {
                this.current = (this.current + 1) % this.gateways.size();
                try {
                    Thread.sleep(RETRY.toMillis());
                }
                catch (InterruptedException ex) {
                    return;
                }
            }
            this.reconnected = !first;
            first = false;
            readOnce(this.gateways.get(this.current));
        }
    }

    private void readOnce(URI events) {
        HttpRequest.Builder request = HttpRequest.newBuilder(events);
        if (this.lastEventId != null) {
            request.header("Last-Event-ID", this.lastEventId);
        }
        try {
            HttpResponse<InputStream> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(response.body(), StandardCharsets.UTF_8), 1 << 16)) {
                if (response.statusCode() != 200) {
                    return;
                }
                if (this.reconnected) {
                    this.reconnects.incrementAndGet();
                    // Resumed until a sessions-refresh says otherwise.
                    this.resumed.incrementAndGet();
                }
                SseEventParser parser = new SseEventParser(this);
                for (String line = lines.readLine(); line != null && !this.closed; line = lines.readLine()) {
                    parser.line(line);
                }
            }
        }
        catch (IOException ex) {
            // The gateway went away (killed, or not listening yet): reconnect, as EventSource does.
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            this.closed = true;
        }
    }

    @Override
    public void onEvent(String event, String data) {
        if (event.equals(SseEventType.SESSIONS_REFRESH.eventName())) {
            refresh(ContractJson.mapper().readTree(data).path("sessions"));
        }
        else if (event.equals(SseEventType.SESSION_CREATED.eventName())) {
            JsonNode row = ContractJson.mapper().readTree(data);
            String key = row.path("key").asString();
            if (this.view.containsKey(key)) {
                this.duplicates.incrementAndGet();
            }
            apply(key, row);
        }
        else if (event.equals(SseEventType.SESSION_UPDATED.eventName())) {
            JsonNode row = ContractJson.mapper().readTree(data);
            apply(row.path("key").asString(), row);
        }
        else if (event.equals(SseEventType.SESSION_REMOVED.eventName())) {
            this.view.remove(ContractJson.mapper().readTree(data).path("key").asString());
        }
    }

    private void refresh(JsonNode sessions) {
        if (this.reconnected && this.loaded) {
            this.resumed.decrementAndGet();
            this.refreshed.incrementAndGet();
            // Counted once per connection.
            this.reconnected = false;
        }
        Set<String> keys = new HashSet<>();
        for (JsonNode row : sessions) {
            String key = row.path("key").asString();
            if (!keys.add(key)) {
                this.duplicates.incrementAndGet();
            }
            this.view.put(key, revision(row));
        }
        this.view.keySet().retainAll(keys);
        this.loaded = true;
    }

    private void apply(String key, JsonNode row) {
        long revision = revision(row);
        Long held = this.view.put(key, revision);
        if (held != null && revision < held) {
            this.regressions.incrementAndGet();
        }
    }

    private long revision(JsonNode row) {
        return row.path(this.revisionField).asLong(-1);
    }

    @Override
    public void onEventId(String id) {
        this.lastEventId = id;
    }

    public String name() {
        return this.name;
    }

    /** Whether a first {@code sessions-refresh} has arrived. */
    public boolean loaded() {
        return this.loaded;
    }

    /** The gateway it reads from (or will reconnect to next). */
    public URI gateway() {
        return this.gateways.get(this.current);
    }

    /** A copy of what the view shows now: key to revision. */
    public Map<String, Long> view() {
        return Map.copyOf(this.view);
    }

    /** What it counted since it started. */
    public Counts counts() {
        return new Counts(this.duplicates.get(), this.regressions.get(), this.reconnects.get(), this.resumed.get(),
                this.refreshed.get());
    }

    @Override
    public void close() {
        this.closed = true;
        if (this.reader != null) {
            this.reader.interrupt();
        }
    }

    /** A checker client's counters; subtract two to get what happened in between. */
    public record Counts(int duplicates, int regressions, int reconnects, int resumed, int refreshed) {

        public static final Counts ZERO = new Counts(0, 0, 0, 0, 0);

        public Counts plus(Counts other) {
            return new Counts(this.duplicates + other.duplicates, this.regressions + other.regressions,
                    this.reconnects + other.reconnects, this.resumed + other.resumed,
                    this.refreshed + other.refreshed);
        }

        public Counts minus(Counts other) {
            return new Counts(this.duplicates - other.duplicates, this.regressions - other.regressions,
                    this.reconnects - other.reconnects, this.resumed - other.resumed,
                    this.refreshed - other.refreshed);
        }
    }
}

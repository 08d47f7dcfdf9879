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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseEventType;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;

/**
 * Event streams that follow agent activity as a dashboard does, each on a reader thread of its own in the harness
 * JVM (so they can look transitions up in the harness's {@link ActivityLedger}): every {@code session-created} /
 * {@code session-updated} of an activity session is matched against the ledger and timed; every one of a plain
 * session carrying {@link BenchTimestamps#FIELD} is timed as the end-to-end scenario's load clients do. The arrival
 * stamp is taken as soon as the event is complete, before its JSON is parsed.
 *
 * <p>Threading: {@link #open} and {@link #close} on the harness thread; each stream's listener on its own reader
 * thread, its {@link ActivityFollower} confined there; results go to the shared {@link ActivityTally}.
 */
public final class ActivityClients implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final List<Client> clients = new ArrayList<>();

    private final AtomicInteger refreshed = new AtomicInteger();

    private final AtomicInteger closed = new AtomicInteger();

    private final ActivityLedger ledger;

    private final ActivityTally tally;

    private final String activityPrefix;

    private volatile boolean closing;

    private ActivityClients(ActivityLedger ledger, ActivityTally tally, String activityPrefix) {
        this.ledger = ledger;
        this.tally = tally;
        this.activityPrefix = activityPrefix;
    }

    /** Opens {@code count} streams; they count as ready once they had their {@code sessions-refresh}. */
    public static ActivityClients open(URI events, int count, ActivityLedger ledger, ActivityTally tally,
            String activityPrefix) {
        ActivityClients clients = new ActivityClients(ledger, tally, activityPrefix);
        for (int i = 0; i < count; i++) {
            Client client = clients.new Client(events);
            clients.clients.add(client);
            Thread reader = new Thread(client::read, "bench-activity-client-" + i);
            reader.setDaemon(true);
            reader.start();
        }
        return clients;
    }

    public int refreshed() {
        return this.refreshed.get();
    }

    /** Streams that ended while they should have stayed open. */
    public int closed() {
        return this.closed.get();
    }

    /**
     * Per state, the measured transitions of the activity sessions that some client has neither shown nor skipped,
     * summed over the clients (read after a drain: what was lost). Safe once the driver has stopped.
     */
    public Map<String, Long> unseen(List<String> sessionKeys) {
        Map<String, Long> counts = new HashMap<>();
        for (Client client : this.clients) {
            synchronized (client.follower) {
                for (String key : sessionKeys) {
                    ActivityTally.countMeasured(client.follower.unseen(key, this.ledger.of(key)), counts);
                }
            }
        }
        return counts;
    }

    @Override
    public void close() {
        this.closing = true;
        this.clients.forEach(Client::close);
    }

    private record Shown(String state, String toolName, Long since) {
    }

    private final class Client implements SseListener {

        private final URI events;

        /** Locked only so that {@link #unseen} can read it at the end; uncontended while streaming. */
        private final ActivityFollower follower = new ActivityFollower();

        private volatile InputStream body;

        private boolean released;

        Client(URI events) {
            this.events = events;
        }

        void read() {
            try {
                HttpResponse<InputStream> response = HTTP.send(HttpRequest.newBuilder(this.events).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                this.body = response.body();
                try (BufferedReader lines = new BufferedReader(
                        new InputStreamReader(this.body, StandardCharsets.UTF_8), 1 << 16)) {
                    SseEventParser parser = new SseEventParser(this);
                    for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                        parser.line(line);
                    }
                }
            }
            catch (IOException ex) {
                // reported below as a closed stream, unless the harness is closing it
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            if (!closing) {
                closed.incrementAndGet();
            }
        }

        void close() {
            InputStream stream = this.body;
            if (stream != null) {
                try {
                    stream.close();
                }
                catch (IOException ex) {
                    // closing anyway
                }
            }
        }

        @Override
        public void onEvent(String event, String data) {
            long arrival = BenchTimestamps.nowMicros();
            if (event.equals(SseEventType.SESSIONS_REFRESH.eventName())) {
                JsonNode refresh = ContractJson.mapper().readTree(data);
                synchronized (this.follower) {
                    for (JsonNode session : refresh.get("sessions")) {
                        String key = session.get("key").asString();
                        if (key.startsWith(activityPrefix)) {
                            JsonNode activity = session.path("activity");
                            this.follower.initial(key, text(activity, "state"), text(activity, "toolName"),
                                    number(activity, "since"));
                        }
                    }
                }
                if (!this.released) {
                    this.released = true;
                    refreshed.incrementAndGet();
                }
                return;
            }
            if (!event.equals(SseEventType.SESSION_UPDATED.eventName())
                    && !event.equals(SseEventType.SESSION_CREATED.eventName())) {
                return;
            }
            String key = SessionView.topLevelKey(data);
            if (!key.startsWith(activityPrefix)) {
                long stamp = BenchTimestamps.extract(data);
                if (stamp > 0) {
                    tally.plainChange(stamp, arrival);
                }
                return;
            }
            Shown activity = activityOf(data);
            ActivityFollower.Observation observation;
            synchronized (this.follower) {
                observation = this.follower.observe(key, activity.state(), activity.toolName(), activity.since(),
                        ledger.of(key));
            }
            tally.observed(observation, (activity.since() != null) ? activity.since() : 0, arrival);
        }

        /**
         * The row's top-level {@code activity} state, tool and since, read with the streaming parser and everything
         * else skipped: a tree per event for a hundred streams would make the clients, not the pipeline, the slow
         * part (and they share the JVM with the broker).
         */
        private static Shown activityOf(String json) {
            String state = null;
            String tool = null;
            Long since = null;
            try (JsonParser parser = ContractJson.mapper().createParser(json)) {
                parser.nextToken();
                while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                    String name = parser.currentName();
                    JsonToken value = parser.nextToken();
                    if (!name.equals("activity") || value != JsonToken.START_OBJECT) {
                        parser.skipChildren();
                        continue;
                    }
                    while (parser.nextToken() == JsonToken.PROPERTY_NAME) {
                        String field = parser.currentName();
                        JsonToken token = parser.nextToken();
                        if (field.equals("state") && token == JsonToken.VALUE_STRING) {
                            state = parser.getString();
                        }
                        else if (field.equals("toolName") && token == JsonToken.VALUE_STRING) {
                            tool = parser.getString();
                        }
                        else if (field.equals("since") && token == JsonToken.VALUE_NUMBER_INT) {
                            since = parser.getLongValue();
                        }
                        else {
                            parser.skipChildren();
                        }
                    }
                    break;
                }
            }
            return new Shown(state, tool, since);
        }

        private static String text(JsonNode node, String field) {
            JsonNode value = node.path(field);
            return value.isString() ? value.asString() : null;
        }

        private static Long number(JsonNode node, String field) {
            JsonNode value = node.path(field);
            return value.isNumber() ? value.asLong() : null;
        }
    }
}

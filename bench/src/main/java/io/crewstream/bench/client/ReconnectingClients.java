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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.crewstream.schemas.sse.SseEventType;

/**
 * Clients that close their event stream and open it again, over and over, as browsers on flaky networks do: each
 * holds a stream for {@code hold}, closes it, and reconnects at once, every other time with the {@code Last-Event-ID}
 * of the last event it received (a resume) and every other time without (a fresh page). Each keeps one
 * {@link SessionView} across its streams, so that what it shows after many resumes can be compared with the truth.
 * After {@link #stopCycling()} every client keeps the stream it has open (or opens one more) for good.
 *
 * <p>Threading: one platform thread per client reads its streams (a few dozen clients; the thousands of steady
 * streams are {@link SseLoad}'s). {@link #stopCycling}, {@link #close} and the counters may be called from any thread.
 */
public final class ReconnectingClients implements AutoCloseable {

    private final URI events;

    private final Duration hold;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final List<Client> clients = new ArrayList<>();

    private final LongAdder opens = new LongAdder();

    private final LongAdder resumeAttempts = new LongAdder();

    private final LongAdder resumedIncrementally = new LongAdder();

    private final LongAdder refreshed = new LongAdder();

    private final LongAdder failures = new LongAdder();

    private final LongAdder endedByServer = new LongAdder();

    private volatile boolean cycling = true;

    private volatile boolean running = true;

    private ReconnectingClients(URI events, Duration hold) {
        this.events = events;
        this.hold = hold;
    }

    /** Starts {@code count} clients; their first streams are held for a random part of {@code hold}, to spread them. */
    public static ReconnectingClients start(URI events, int count, Duration hold) {
        ReconnectingClients reconnecting = new ReconnectingClients(events, hold);
        for (int i = 0; i < count; i++) {
            Client client = reconnecting.new Client();
            reconnecting.clients.add(client);
            Thread thread = new Thread(client::run, "bench-reconnecting-" + i);
            thread.setDaemon(true);
            thread.start();
        }
        return reconnecting;
    }

    /** From now on each client keeps its current (or next) stream open instead of closing it. */
    public void stopCycling() {
        this.cycling = false;
    }

    /** Every client's view, for comparing with the truth once the streams have settled. */
    public List<SessionView> views() {
        return this.clients.stream().map(client -> client.view).toList();
    }

    /** Streams opened (HTTP 200), all clients together. */
    public long opens() {
        return this.opens.sum();
    }

    /** Streams opened with a {@code Last-Event-ID}. */
    public long resumeAttempts() {
        return this.resumeAttempts.sum();
    }

    /** Of those, streams whose first event was not a {@code sessions-refresh}: the gateway resumed incrementally. */
    public long resumedIncrementally() {
        return this.resumedIncrementally.sum();
    }

    /** {@code sessions-refresh} events received (every fresh stream starts with one, so does a resume refused). */
    public long refreshed() {
        return this.refreshed.sum();
    }

    /** Opens refused (not 200) or failed, and streams that broke while they should have stayed open. */
    public long failures() {
        return this.failures.sum();
    }

    /** Streams the gateway ended by itself. */
    public long endedByServer() {
        return this.endedByServer.sum();
    }

    @Override
    public void close() {
        this.running = false;
        this.clients.forEach(Client::closeStream);
    }

    /** One client's loop; its fields belong to its own thread, except {@code body}, which {@link #close} closes. */
    private final class Client {

        private final SessionView view = SessionView.unconnected();

        private volatile InputStream body;

        private String lastEventId;

        private long opened;

        void run() {
            long holdNanos = (long) (ThreadLocalRandom.current().nextDouble() * hold.toNanos());
            while (running) {
                boolean resume = (this.opened % 2 == 1) && this.lastEventId != null;
                HttpRequest.Builder request = HttpRequest.newBuilder(events).header("Accept", "text/event-stream");
                if (resume) {
                    request.header("Last-Event-ID", this.lastEventId);
                }
                try {
                    HttpResponse<InputStream> response = http.send(request.build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    this.body = response.body();
                    if (response.statusCode() != 200) {
                        failures.increment();
                        closeStream();
                        pause();
                        continue;
                    }
                    this.opened++;
                    opens.increment();
                    if (resume) {
                        resumeAttempts.increment();
                    }
                    if (read(resume, System.nanoTime() + holdNanos)) {
                        endedByServer.increment();
                    }
                }
                catch (IOException ex) {
                    if (running) {
                        failures.increment();
                        pause();
                    }
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return;
                }
                finally {
                    closeStream();
                }
                holdNanos = hold.toNanos();
            }
        }

        /** Reads one stream until its hold is over (while cycling); returns whether the server ended it first. */
        private boolean read(boolean resume, long closeAt) throws IOException {
            boolean[] first = { true };
            SseEventParser parser = new SseEventParser(new SseListener() {
                @Override
                public void onEvent(String event, String data) {
                    boolean refresh = event.equals(SseEventType.SESSIONS_REFRESH.eventName());
                    if (refresh) {
                        refreshed.increment();
                    }
                    if (first[0] && resume && !refresh && isSessionEvent(event)) {
                        resumedIncrementally.increment();
                    }
                    if (refresh || isSessionEvent(event)) {
                        first[0] = false;
                    }
                    view.onEvent(event, data);
                }
            }, this.lastEventId);
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(this.body, StandardCharsets.UTF_8),
                    1 << 16)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    parser.line(line);
                    this.lastEventId = parser.lastEventId();
                    if (cycling && System.nanoTime() - closeAt > 0) {
                        return false;
                    }
                }
                return running;
            }
        }

        void closeStream() {
            InputStream stream = this.body;
            if (stream != null) {
                try {
                    stream.close();
                }
                catch (IOException ex) {
                    // The stream is being dropped either way.
                }
            }
        }

        private void pause() {
            try {
                TimeUnit.SECONDS.sleep(1);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static boolean isSessionEvent(String event) {
        return event.equals(SseEventType.SESSION_CREATED.eventName())
                || event.equals(SseEventType.SESSION_UPDATED.eventName())
                || event.equals(SseEventType.SESSION_REMOVED.eventName());
    }
}

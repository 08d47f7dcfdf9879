package io.crewstream.ssegateway.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import io.crewstream.schemas.sse.SseEventType;

/**
 * A real SSE client for tests: one HTTP connection to {@code /api/events} (JDK HttpClient), read line by line on its
 * own thread and parsed as EventSource does ({@link SseParser}).
 */
public final class SseTestClient implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final HttpResponse<Stream<String>> response;

    private final SseParser parser = new SseParser();

    private final Thread reader;

    private volatile boolean ended;

    private SseTestClient(HttpResponse<Stream<String>> response) {
        this.response = response;
        this.reader = new Thread(this::read, "sse-test-client");
        this.reader.setDaemon(true);
    }

    public static SseTestClient connect(URI uri) {
        return connect(uri, Map.of());
    }

    public static SseTestClient connect(URI uri, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().header("Accept", "text/event-stream");
        headers.forEach(request::header);
        try {
            SseTestClient client = new SseTestClient(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines()));
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

    private void read() {
        try (Stream<String> lines = this.response.body()) {
            lines.forEach(this.parser::line);
        }
        catch (RuntimeException ex) {
            // The connection ended (closed by us or by the server).
        }
        finally {
            this.ended = true;
        }
    }

    public int status() {
        return this.response.statusCode();
    }

    public String header(String name) {
        return this.response.headers().firstValue(name).orElse(null);
    }

    public List<SseParser.Event> events() {
        return this.parser.events();
    }

    public List<SseParser.Event> events(SseEventType type) {
        return this.parser.events(type);
    }

    public List<String> comments() {
        return this.parser.comments();
    }

    public Long retry() {
        return this.parser.retry();
    }

    /** The id of the last event received, as a browser would send it back in Last-Event-ID. */
    public String lastEventId() {
        return this.parser.lastEventId();
    }

    /** Whether the server ended the stream. */
    public boolean ended() {
        return this.ended;
    }

    @Override
    public void close() {
        this.response.body().close();
    }
}

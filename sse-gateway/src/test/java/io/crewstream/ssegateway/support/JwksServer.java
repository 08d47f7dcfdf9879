package io.crewstream.ssegateway.support;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * An identity provider's JWKS endpoint for tests: a real HTTP server (the JDK's) on a loopback port, answering
 * {@code GET /jwks.json} with whatever the test sets: a key set, an error status, a body that is not JSON. It can be
 * stopped (connections refused) and started again on the same port. Thread-safe; the answer may change at any time.
 */
public final class JwksServer implements AutoCloseable {

    public static final String PATH = "/jwks.json";

    private final AtomicInteger requests = new AtomicInteger();

    private volatile Answer answer = new Answer(200, "{\"keys\":[]}");

    private int port;

    private HttpServer server;

    /** Starts on a free loopback port. */
    public static JwksServer start() {
        JwksServer jwks = new JwksServer();
        jwks.listen(0);
        return jwks;
    }

    /** Answers 200 with this body from now on. */
    public JwksServer serve(String jwks) {
        release(new Answer(200, jwks));
        return this;
    }

    /** Answers this status (with a short text body) from now on. */
    public JwksServer fail(int httpStatus) {
        release(new Answer(httpStatus, "unavailable"));
        return this;
    }

    /** Accepts requests and never answers them, until the answer is changed (or the server closed). */
    public JwksServer hang() {
        this.answer = new Answer(0, "");
        return this;
    }

    /** Stops listening: connections are refused until {@link #resume()}. */
    public synchronized void down() {
        this.server.stop(0);
    }

    /** Listens again, on the same port. */
    public synchronized void resume() {
        listen(this.port);
    }

    public String uri() {
        return "http://127.0.0.1:" + this.port + PATH;
    }

    /** The host and port, as a log line names the JWKS. */
    public String authority() {
        return "127.0.0.1:" + this.port;
    }

    /** Requests answered so far. */
    public int requests() {
        return this.requests.get();
    }

    @Override
    public synchronized void close() {
        release(this.answer);
        this.server.stop(0);
    }

    private synchronized void release(Answer next) {
        this.answer = next;
        notifyAll();
    }

    /** The answer to give, once there is one (a hanging request waits for the next). */
    private synchronized Answer awaitAnswer() throws IOException {
        while (this.answer.status() == 0) {
            try {
                wait();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", ex);
            }
        }
        return this.answer;
    }

    private synchronized void listen(int onPort) {
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), onPort), 0);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        this.server.createContext(PATH, this::answer);
        // A thread per request: one that hangs does not hold up the next.
        this.server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        this.server.start();
        this.port = this.server.getAddress().getPort();
    }

    private void answer(HttpExchange exchange) throws IOException {
        this.requests.incrementAndGet();
        Answer current = awaitAnswer();
        byte[] bytes = current.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", (current.status() == 200) ? "application/json"
                : "text/plain");
        exchange.sendResponseHeaders(current.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private record Answer(int status, String body) {
    }
}

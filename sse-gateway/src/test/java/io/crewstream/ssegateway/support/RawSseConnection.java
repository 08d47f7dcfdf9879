package io.crewstream.ssegateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * An event-stream client on a plain socket whose reading the test controls: with a small receive window and no
 * reads, the server's writes back up as they would for a slow browser on a bad link. Reads happen only inside
 * {@link #readUntil}, on the caller's thread. Decodes HTTP/1.1 chunked transfer coding.
 */
public final class RawSseConnection implements AutoCloseable {

    private final Socket socket;

    private final InputStream in;

    private final SseParser parser = new SseParser();

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();

    private final ByteArrayOutputStream text = new ByteArrayOutputStream();

    private State state = State.HEADERS;

    private long chunkRemaining;

    private RawSseConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    public static RawSseConnection open(int port, String pathAndQuery, int receiveBufferBytes) throws IOException {
        Socket socket = new Socket();
        // Set before connecting, so that the advertised window stays small.
        socket.setReceiveBufferSize(receiveBufferBytes);
        socket.connect(new InetSocketAddress("localhost", port));
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + pathAndQuery + " HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new RawSseConnection(socket);
    }

    public SseParser parser() {
        return this.parser;
    }

    /**
     * Reads until {@code done} holds for what was parsed; fails after {@code timeout}. {@code done} is tested again
     * only once something new was parsed: a test of megabytes of events after every few kilobytes read would make this
     * reader, and so the server writing to it, as slow as the test (a slow reader is what some tests stage on purpose,
     * but not that slow).
     */
    public void readUntil(Predicate<SseParser> done, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        this.socket.setSoTimeout(100);
        long tested = -1;
        while (true) {
            long parsed = parsedSoFar();
            if (parsed != tested) {
                if (done.test(this.parser)) {
                    return;
                }
                tested = parsed;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Stream did not reach the expected state within " + timeout + "; got "
                        + this.parser.events().size() + " events");
            }
            try {
                readSome();
            }
            catch (SocketTimeoutException ex) {
                // Nothing yet; check the deadline and try again.
            }
        }
    }

    /** Grows with every event, comment and retry the parser took in. */
    private long parsedSoFar() {
        return this.parser.events().size() + (long) this.parser.comments().size()
                + (this.parser.retry() == null ? 0 : 1);
    }

    private void readSome() throws IOException {
        byte[] buffer = new byte[64 * 1024];
        int read = this.in.read(buffer);
        if (read < 0) {
            throw new IOException("Connection closed");
        }
        for (int i = 0; i < read; i++) {
            accept(buffer[i]);
        }
    }

    /** One byte through the HTTP state machine: headers, then chunk-size line, chunk data, chunk end. */
    private void accept(byte next) throws IOException {
        switch (this.state) {
            case HEADERS -> {
                if (next == '\n') {
                    if (this.text.size() == 0) {
                        this.state = State.CHUNK_SIZE;
                    }
                    this.text.reset();
                }
                else if (next != '\r') {
                    this.text.write(next);
                }
            }
            case CHUNK_SIZE -> {
                if (next == '\n') {
                    String size = this.text.toString(StandardCharsets.US_ASCII).split(";")[0].trim();
                    this.text.reset();
                    if (size.isEmpty()) {
                        return;
                    }
                    this.chunkRemaining = Long.parseLong(size, 16);
                    if (this.chunkRemaining == 0) {
                        throw new IOException("The server ended the stream");
                    }
                    this.state = State.CHUNK_DATA;
                }
                else if (next != '\r') {
                    this.text.write(next);
                }
            }
            case CHUNK_DATA -> {
                if (next == '\n') {
                    this.parser.line(this.line.toString(StandardCharsets.UTF_8));
                    this.line.reset();
                }
                else {
                    this.line.write(next);
                }
                if (--this.chunkRemaining == 0) {
                    this.state = State.CHUNK_SIZE;
                }
            }
        }
    }

    private enum State {
        HEADERS, CHUNK_SIZE, CHUNK_DATA
    }

    @Override
    public void close() throws IOException {
        this.socket.close();
    }
}

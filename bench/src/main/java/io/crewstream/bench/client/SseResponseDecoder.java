package io.crewstream.bench.client;

import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The bytes of one HTTP/1.1 response to an event-stream request, turned into SSE bytes for an
 * {@link SseByteScanner}: the head is collected until its empty line and must say 200, then the body is unframed
 * (chunked, a content length, or everything until the connection ends) and scanned. Any status but 200 is an error:
 * such a stream never delivers an event.
 *
 * <p>Not thread-safe: one decoder per response, fed its bytes in order.
 */
final class SseResponseDecoder {

    /** A gateway's head is a few hundred bytes; anything near this is not a response worth reading. */
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private final SseByteScanner scanner;

    /** Grows while the head arrives and is dropped after it: thousands of streams per process keep no copy. */
    private byte[] head = new byte[256];

    private int headLength;

    private int headLineLength;

    private HttpResponseHead parsedHead;

    private ChunkedBodyDecoder chunked;

    private long bodyRemaining;

    SseResponseDecoder(SseByteScanner scanner) {
        this.scanner = scanner;
    }

    /** Decodes what {@code bytes} holds; bytes after the end of the response are left unread. */
    void feed(ByteBuffer bytes) throws ProtocolException {
        if (this.parsedHead == null) {
            readHead(bytes);
            if (this.parsedHead == null) {
                return;
            }
        }
        if (this.chunked != null) {
            this.chunked.feed(bytes);
        }
        else if (this.bodyRemaining >= 0) {
            feedLengthDelimited(bytes);
        }
        else {
            this.scanner.feed(bytes);
        }
    }

    /** Whether the whole response has been read, so the connection has nothing more to say. */
    boolean finished() {
        if (this.parsedHead == null) {
            return false;
        }
        if (this.chunked != null) {
            return this.chunked.finished();
        }
        return this.bodyRemaining == 0;
    }

    /**
     * The connection ended. Fine for a body that only the connection's end delimits; an error for a response cut
     * short.
     */
    void endOfInput() throws EOFException {
        boolean delimitedByEnd = this.parsedHead != null && this.chunked == null && this.bodyRemaining < 0;
        if (!delimitedByEnd && !finished()) {
            throw new EOFException("connection ended before the response did");
        }
    }

    private void readHead(ByteBuffer bytes) throws ProtocolException {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (this.headLength == this.head.length) {
                if (this.head.length >= MAX_HEAD_BYTES) {
                    throw new ProtocolException("response head longer than " + MAX_HEAD_BYTES + " bytes");
                }
                this.head = Arrays.copyOf(this.head, this.head.length * 2);
            }
            this.head[this.headLength++] = b;
            if (b == '\n') {
                if (this.headLineLength == 0) {
                    startBody(HttpResponseHead.parse(this.head, this.headLength));
                    return;
                }
                this.headLineLength = 0;
            }
            else if (b != '\r') {
                this.headLineLength++;
            }
        }
    }

    private void startBody(HttpResponseHead parsed) throws ProtocolException {
        if (parsed.status() != 200) {
            throw new ProtocolException("HTTP status " + parsed.status());
        }
        this.parsedHead = parsed;
        this.head = null;
        if (parsed.chunked()) {
            this.chunked = new ChunkedBodyDecoder(this.scanner);
        }
        this.bodyRemaining = parsed.contentLength();
    }

    private void feedLengthDelimited(ByteBuffer bytes) {
        int count = (int) Math.min(this.bodyRemaining, bytes.remaining());
        int limit = bytes.limit();
        int end = bytes.position() + count;
        bytes.limit(end);
        this.scanner.feed(bytes);
        bytes.limit(limit).position(end);
        this.bodyRemaining -= count;
    }
}

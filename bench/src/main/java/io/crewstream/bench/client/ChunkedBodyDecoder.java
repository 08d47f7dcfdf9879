package io.crewstream.bench.client;

import java.net.ProtocolException;
import java.nio.ByteBuffer;

/**
 * The body of an HTTP/1.1 response in chunked transfer coding (RFC 9112 §7.1), handed to an {@link SseByteScanner}.
 * A byte-wise state machine, because the network splits a stream wherever it likes: a read may end inside a size
 * line, its extension or any CRLF. Chunk data reaches the scanner as slices of the read buffer, never copied.
 *
 * <p>Not thread-safe: one decoder per response, fed its bytes in order.
 */
final class ChunkedBodyDecoder {

    /** Sixteen hex digits would overflow a long; no sane chunk comes near fifteen. */
    private static final int MAX_SIZE_DIGITS = 15;

    private enum State {
        SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER_LINE_START, TRAILER_LINE, TRAILER_END_LF, DONE
    }

    private final SseByteScanner scanner;

    private State state = State.SIZE;

    private long size;

    private int sizeDigits;

    private long remaining;

    ChunkedBodyDecoder(SseByteScanner scanner) {
        this.scanner = scanner;
    }

    /** Decodes what {@code bytes} holds; bytes after the last chunk's end are left unread. */
    void feed(ByteBuffer bytes) throws ProtocolException {
        while (bytes.hasRemaining() && this.state != State.DONE) {
            if (this.state == State.DATA) {
                feedData(bytes);
            }
            else {
                next(bytes.get());
            }
        }
    }

    /** Whether the last chunk and the trailer have been read: the response is complete. */
    boolean finished() {
        return this.state == State.DONE;
    }

    private void feedData(ByteBuffer bytes) {
        int count = (int) Math.min(this.remaining, bytes.remaining());
        int limit = bytes.limit();
        int end = bytes.position() + count;
        bytes.limit(end);
        this.scanner.feed(bytes);
        bytes.limit(limit).position(end);
        this.remaining -= count;
        if (this.remaining == 0) {
            this.state = State.DATA_CR;
        }
    }

    private void next(byte b) throws ProtocolException {
        switch (this.state) {
            case SIZE -> size(b);
            case EXTENSION -> {
                if (b == '\r') {
                    this.state = State.SIZE_LF;
                }
                else if (b == '\n') {
                    endOfSizeLine();
                }
            }
            case SIZE_LF -> {
                expect(b, '\n');
                endOfSizeLine();
            }
            case DATA_CR -> {
                if (b == '\r') {
                    this.state = State.DATA_LF;
                }
                else {
                    expect(b, '\n');
                    this.state = State.SIZE;
                }
            }
            case DATA_LF -> {
                expect(b, '\n');
                this.state = State.SIZE;
            }
            case TRAILER_LINE_START -> {
                if (b == '\r') {
                    this.state = State.TRAILER_END_LF;
                }
                else {
                    this.state = (b == '\n') ? State.DONE : State.TRAILER_LINE;
                }
            }
            case TRAILER_LINE -> {
                if (b == '\n') {
                    this.state = State.TRAILER_LINE_START;
                }
            }
            case TRAILER_END_LF -> {
                expect(b, '\n');
                this.state = State.DONE;
            }
            default -> throw new IllegalStateException("no byte is read in state " + this.state);
        }
    }

    private void size(byte b) throws ProtocolException {
        int digit = Character.digit(b, 16);
        if (digit >= 0) {
            if (++this.sizeDigits > MAX_SIZE_DIGITS) {
                throw new ProtocolException("chunk size too long");
            }
            this.size = this.size * 16 + digit;
        }
        else if (b == ';' || b == ' ' || b == '\t') {
            this.state = State.EXTENSION;
        }
        else if (b == '\r') {
            this.state = State.SIZE_LF;
        }
        else if (b == '\n') {
            endOfSizeLine();
        }
        else {
            throw new ProtocolException("unexpected byte " + (b & 0xff) + " in a chunk size");
        }
    }

    private void endOfSizeLine() throws ProtocolException {
        if (this.sizeDigits == 0) {
            throw new ProtocolException("chunk size line without a size");
        }
        this.remaining = this.size;
        this.state = (this.size == 0) ? State.TRAILER_LINE_START : State.DATA;
        this.size = 0;
        this.sizeDigits = 0;
    }

    private static void expect(byte actual, char expected) throws ProtocolException {
        if (actual != expected) {
            throw new ProtocolException("expected byte " + (int) expected + " but got " + (actual & 0xff));
        }
    }
}

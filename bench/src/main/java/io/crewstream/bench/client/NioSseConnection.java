package io.crewstream.bench.client;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One event stream over a non-blocking socket: connect, write the GET, then pass every byte read through an
 * {@link SseResponseDecoder} into the stream's {@link SseByteScanner}. It ends exactly once, telling its listener
 * why: the response's end or the connection's ({@code null}), a refused status, a malformed response, an I/O error
 * or a connect that outlived its deadline.
 *
 * <p>Threading: created on any thread, then confined to the {@link SseSelectorThread} it is handed to, which
 * publishes it safely through its queue. Its listener is called on that thread only.
 */
final class NioSseConnection {

    /** What one stream reports: its events (from the scanner) and its end. */
    interface Listener extends SseByteScanner.EventSink {

        /** @param failure why the stream ended, or {@code null} when the server ended it */
        void onClosed(Throwable failure);
    }

    private final EventStreamRequest request;

    private final long connectDeadlineNanos;

    private final Listener listener;

    private final SseResponseDecoder decoder;

    private ByteBuffer unwritten;

    private SocketChannel channel;

    private SelectionKey key;

    private boolean connecting;

    private boolean ended;

    /** @param connectDeadlineNanos {@link System#nanoTime()} by which the TCP connect must have completed */
    NioSseConnection(EventStreamRequest request, long connectDeadlineNanos, Listener listener) {
        this.request = request;
        this.connectDeadlineNanos = connectDeadlineNanos;
        this.listener = listener;
        this.decoder = new SseResponseDecoder(new SseByteScanner(listener));
    }

    /** Opens the socket and starts connecting; the selector reports when it can go on. */
    void start(Selector selector) {
        try {
            this.channel = SocketChannel.open();
            this.channel.configureBlocking(false);
            this.channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            this.unwritten = this.request.bytes();
            this.key = this.channel.register(selector, 0, this);
            if (this.channel.connect(this.request.address())) {
                write();
            }
            else {
                this.connecting = true;
                this.key.interestOps(SelectionKey.OP_CONNECT);
            }
        }
        catch (IOException | RuntimeException ex) {
            end(ex);
        }
    }

    /**
     * Does what the selector says is possible now.
     *
     * @param readBuffer the selector thread's buffer, shared by all its connections: nothing is kept in it between
     *     calls
     */
    void onReady(ByteBuffer readBuffer) {
        try {
            if (this.key.isConnectable()) {
                if (!this.channel.finishConnect()) {
                    return;
                }
                this.connecting = false;
                write();
            }
            else if (this.key.isWritable()) {
                write();
            }
            else if (this.key.isReadable()) {
                read(readBuffer);
            }
        }
        catch (IOException | RuntimeException ex) {
            end(ex);
        }
    }

    /**
     * Ends a connect that missed its deadline.
     *
     * @return whether this connection is past connecting (connected, ended or just timed out)
     */
    boolean settleConnect(long nowNanos) {
        if (this.ended || !this.connecting) {
            return true;
        }
        if (nowNanos - this.connectDeadlineNanos >= 0) {
            end(new SocketTimeoutException("connect timed out"));
            return true;
        }
        return false;
    }

    boolean connecting() {
        return this.connecting && !this.ended;
    }

    /** Closes the socket without telling the listener: the whole load is being shut down. */
    void abandon() {
        this.ended = true;
        closeChannel();
    }

    private void write() throws IOException {
        this.channel.write(this.unwritten);
        if (this.unwritten.hasRemaining()) {
            this.key.interestOps(SelectionKey.OP_WRITE);
        }
        else {
            this.unwritten = null;
            this.key.interestOps(SelectionKey.OP_READ);
        }
    }

    private void read(ByteBuffer buffer) throws IOException {
        while (true) {
            buffer.clear();
            int count = this.channel.read(buffer);
            if (count < 0) {
                this.decoder.endOfInput();
                end(null);
                return;
            }
            buffer.flip();
            this.decoder.feed(buffer);
            if (this.decoder.finished()) {
                end(null);
                return;
            }
            // A buffer not filled means the socket is drained: skip the read that would only say so.
            if (count < buffer.capacity()) {
                return;
            }
        }
    }

    private void end(Throwable failure) {
        if (this.ended) {
            return;
        }
        this.ended = true;
        closeChannel();
        this.listener.onClosed(failure);
    }

    private void closeChannel() {
        if (this.channel == null) {
            return;
        }
        try {
            // Closing the channel also cancels its key.
            this.channel.close();
        }
        catch (IOException ex) {
            // Nothing left to do with a socket that fails to close: the stream has ended either way.
        }
    }
}

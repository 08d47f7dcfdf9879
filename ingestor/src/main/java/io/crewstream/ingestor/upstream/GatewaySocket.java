package io.crewstream.ingestor.upstream;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The receiving side of one WebSocket to a gateway: reassembles text messages delivered in parts, enforces the size
 * limit while the parts arrive (an oversized message is discarded, not buffered), and passes whole messages to a
 * {@link FrameListener}.
 *
 * <p>Threading: the JDK calls the listener methods one at a time (it requests one message part at a time and this
 * class requests the next only when done with the current one), so the assembly buffer needs no locking. The size
 * limit is volatile because the supervisor raises it after {@code hello-ok}.
 */
final class GatewaySocket implements WebSocket.Listener {

    private static final int HEAD_CHARS = 200;
    private static final Duration CLOSE_FRAME_TIMEOUT = Duration.ofSeconds(1);

    private final FrameListener listener;
    private final LongSupplier clock;
    private volatile long maxMessageBytes;

    private final StringBuilder buffer = new StringBuilder();
    private long messageBytes;
    private boolean discarding;
    private String head;

    GatewaySocket(FrameListener listener, LongSupplier clock, long maxMessageBytes) {
        this.listener = listener;
        this.clock = clock;
        this.maxMessageBytes = maxMessageBytes;
    }

    void maxMessageBytes(long maxMessageBytes) {
        this.maxMessageBytes = maxMessageBytes;
    }

    long maxMessageBytes() {
        return this.maxMessageBytes;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        this.listener.onOpen(webSocket);
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        this.messageBytes += Utf8.length(data);
        if (!this.discarding) {
            if (this.messageBytes > this.maxMessageBytes) {
                this.discarding = true;
                this.buffer.append(data, 0, Math.min(data.length(), HEAD_CHARS));
                this.head = this.buffer.substring(0, Math.min(this.buffer.length(), HEAD_CHARS));
                this.buffer.setLength(0);
                this.buffer.trimToSize();
            }
            else {
                this.buffer.append(data);
            }
        }
        if (last) {
            long receivedAt = this.clock.getAsLong();
            if (this.discarding) {
                this.listener.onOversized(this.head, this.messageBytes, receivedAt);
            }
            else {
                this.listener.onText(this.buffer.toString(), (int) this.messageBytes, receivedAt);
            }
            this.buffer.setLength(0);
            this.messageBytes = 0;
            this.discarding = false;
            this.head = null;
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        this.messageBytes += data.remaining();
        if (last) {
            this.listener.onBinary((int) Math.min(Integer.MAX_VALUE, this.messageBytes), this.clock.getAsLong());
            this.messageBytes = 0;
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        this.listener.onClosed(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        this.listener.onFailed(error);
    }

    /** Sends a close frame and then drops the socket, whether or not the gateway answers the close. */
    static void close(WebSocket webSocket, int statusCode, String reason) {
        if (webSocket == null) {
            return;
        }
        CompletableFuture<WebSocket> closing;
        try {
            closing = webSocket.sendClose(statusCode, reason);
        }
        catch (RuntimeException ex) {
            webSocket.abort();
            return;
        }
        // A silent gateway never answers the close; don't keep its socket around waiting for it.
        closing.orTimeout(CLOSE_FRAME_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((ignored, failure) -> webSocket.abort());
    }
}

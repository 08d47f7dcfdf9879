package io.crewstream.ingestor.upstream;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GatewaySocketTest {

    private final RecordingListener listener = new RecordingListener();
    private final CountingWebSocket webSocket = new CountingWebSocket();

    @Test
    void aMessageDeliveredInPartsIsReassembledIntoOneFrame() {
        GatewaySocket socket = new GatewaySocket(this.listener, () -> 42L, 1024);
        socket.onOpen(this.webSocket);

        socket.onText(this.webSocket, "{\"type\":\"event\",", false);
        socket.onText(this.webSocket, "\"event\":\"tick\"}", true);

        assertThat(this.listener.texts).containsExactly("{\"type\":\"event\",\"event\":\"tick\"}");
        assertThat(this.listener.sizes).containsExactly(31);
        assertThat(this.webSocket.requested).as("one request per part, so that the next part arrives").isEqualTo(3);
    }

    @Test
    void aMessageOverTheLimitIsDiscardedWhileArrivingAndReportedWithItsHeadAndSize() {
        GatewaySocket socket = new GatewaySocket(this.listener, () -> 42L, 100);
        socket.onOpen(this.webSocket);

        String head = "{\"type\":\"event\",\"event\":\"big\",\"payload\":\"";
        socket.onText(this.webSocket, head, false);
        socket.onText(this.webSocket, "x".repeat(200), false);
        socket.onText(this.webSocket, "\"}", true);
        socket.onText(this.webSocket, "{\"type\":\"event\",\"event\":\"tick\"}", true);

        assertThat(this.listener.oversized).hasSize(1);
        assertThat(this.listener.oversized.get(0)).startsWith("{\"type\":\"event\",\"event\":\"big\"");
        assertThat(this.listener.oversizedBytes).containsExactly(head.length() + 200L + 2);
        assertThat(this.listener.texts).as("the next message is whole again")
                .containsExactly("{\"type\":\"event\",\"event\":\"tick\"}");
    }

    @Test
    void theLimitCountsUtf8BytesNotCharacters() {
        GatewaySocket socket = new GatewaySocket(this.listener, () -> 42L, 10);
        socket.onOpen(this.webSocket);

        socket.onText(this.webSocket, "ééééé", true);
        socket.onText(this.webSocket, "éééééé", true);

        assertThat(this.listener.texts).containsExactly("ééééé");
        assertThat(this.listener.oversizedBytes).containsExactly(12L);
    }

    @Test
    void binaryMessagesAreReportedNotIgnored() {
        GatewaySocket socket = new GatewaySocket(this.listener, () -> 42L, 100);
        socket.onOpen(this.webSocket);

        socket.onBinary(this.webSocket, ByteBuffer.wrap(new byte[] { 1, 2, 3 }), true);

        assertThat(this.listener.binaries).containsExactly(3);
    }

    static final class RecordingListener implements FrameListener {

        final List<String> texts = new ArrayList<>();
        final List<Integer> sizes = new ArrayList<>();
        final List<String> oversized = new ArrayList<>();
        final List<Long> oversizedBytes = new ArrayList<>();
        final List<Integer> binaries = new ArrayList<>();

        @Override
        public void onOpen(WebSocket socket) {
        }

        @Override
        public void onText(String text, int sizeBytes, long receivedAt) {
            this.texts.add(text);
            this.sizes.add(sizeBytes);
        }

        @Override
        public void onOversized(String head, long sizeBytes, long receivedAt) {
            this.oversized.add(head);
            this.oversizedBytes.add(sizeBytes);
        }

        @Override
        public void onBinary(int sizeBytes, long receivedAt) {
            this.binaries.add(sizeBytes);
        }

        @Override
        public void onClosed(int statusCode, String reason) {
        }

        @Override
        public void onFailed(Throwable error) {
        }
    }

    /** Counts demand; the socket under test only ever calls {@link #request}. */
    static final class CountingWebSocket implements WebSocket {

        int requested;

        @Override
        public void request(long n) {
            this.requested += (int) n;
        }

        @Override
        public CompletableFuture<WebSocket> sendText(CharSequence data, boolean last) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendBinary(ByteBuffer data, boolean last) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendPing(ByteBuffer message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendPong(ByteBuffer message) {
            throw new UnsupportedOperationException();
        }

        @Override
        public CompletableFuture<WebSocket> sendClose(int statusCode, String reason) {
            throw new UnsupportedOperationException();
        }

        @Override
        public String getSubprotocol() {
            return "";
        }

        @Override
        public boolean isOutputClosed() {
            return false;
        }

        @Override
        public boolean isInputClosed() {
            return false;
        }

        @Override
        public void abort() {
        }
    }
}

package io.crewstream.testsupport.net;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The proxy between two plain sockets: a client of the proxy, and the target's side of the forwarded connection. */
class FaultProxyTest {

    private static final int TIMEOUT_MS = 10_000;

    private ServerSocket target;

    private FaultProxy proxy;

    @BeforeEach
    void start() throws IOException {
        this.target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.target.setSoTimeout(TIMEOUT_MS);
        this.proxy = new FaultProxy("test", (InetSocketAddress) this.target.getLocalSocketAddress(), 0).start();
    }

    @AfterEach
    void stop() throws IOException {
        this.proxy.close();
        this.target.close();
    }

    @Test
    void passForwardsBothWaysAndPassesOnTheEndOfStream() throws IOException {
        try (Socket client = connect(); Socket server = this.target.accept()) {
            client.getOutputStream().write(bytes("hello"));
            assertThat(read(server, 5)).isEqualTo(bytes("hello"));
            server.getOutputStream().write(bytes("world!"));
            assertThat(read(client, 6)).isEqualTo(bytes("world!"));

            client.shutdownOutput();

            assertThat(server.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void latencyDelaysEachDirection() throws IOException {
        try (Socket client = connect(); Socket server = this.target.accept()) {
            this.proxy.apply(new NetworkFault.Latency(Duration.ofMillis(300)));
            long start = System.nanoTime();

            client.getOutputStream().write(bytes("ping"));
            read(server, 4);
            server.getOutputStream().write(bytes("pong"));
            read(client, 4);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
        }
    }

    @Test
    void blackHoleForwardsNothingClosesNothingAndDeliversEverythingWhenHealed() throws IOException {
        try (Socket client = connect(); Socket server = this.target.accept()) {
            this.proxy.apply(new NetworkFault.BlackHole());

            client.getOutputStream().write(bytes("held"));
            server.getOutputStream().write(bytes("back"));

            // Silence, not an end of stream or a reset: the read times out on both sides.
            assertSilent(server);
            assertSilent(client);

            this.proxy.apply(NetworkFault.PASS);

            assertThat(read(server, 4)).isEqualTo(bytes("held"));
            assertThat(read(client, 4)).isEqualTo(bytes("back"));
        }
    }

    @Test
    void blackHoleHoldsNewConnectionsBackFromTheTarget() throws IOException {
        this.proxy.apply(new NetworkFault.BlackHole());
        try (Socket client = connect()) {
            client.getOutputStream().write(bytes("syn"));
            this.target.setSoTimeout(500);
            assertThatThrownBy(this.target::accept).isInstanceOf(SocketTimeoutException.class);

            this.proxy.apply(NetworkFault.PASS);

            this.target.setSoTimeout(TIMEOUT_MS);
            try (Socket server = this.target.accept()) {
                assertThat(read(server, 3)).isEqualTo(bytes("syn"));
            }
        }
    }

    @Test
    void bandwidthPacesTheBytes() throws IOException {
        try (Socket client = connect(); Socket server = this.target.accept()) {
            this.proxy.apply(new NetworkFault.Bandwidth(8_000));
            byte[] payload = new byte[8_000];
            Arrays.fill(payload, (byte) 'x');
            long start = System.nanoTime();

            client.getOutputStream().write(payload);

            assertThat(read(server, payload.length)).isEqualTo(payload);
            // A second's worth at 8,000 B/s, sent in twentieths: the first slice goes at once.
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
    }

    @Test
    void cutClosesBothSidesAndTheProxyKeepsAccepting() throws IOException {
        try (Socket client = connect(); Socket server = this.target.accept()) {
            assertThat(this.proxy.connections()).isEqualTo(1);

            this.proxy.cut();

            assertThat(endOfStreamOrReset(client)).isTrue();
            assertThat(endOfStreamOrReset(server)).isTrue();
        }
        try (Socket client = connect(); Socket server = this.target.accept()) {
            client.getOutputStream().write(bytes("again"));
            assertThat(read(server, 5)).isEqualTo(bytes("again"));
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), this.proxy.port());
        socket.setSoTimeout(TIMEOUT_MS);
        return socket;
    }

    private static byte[] read(Socket socket, int length) throws IOException {
        return socket.getInputStream().readNBytes(length);
    }

    private static void assertSilent(Socket socket) throws IOException {
        socket.setSoTimeout(500);
        assertThatThrownBy(() -> socket.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        socket.setSoTimeout(TIMEOUT_MS);
    }

    private static boolean endOfStreamOrReset(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            return in.read() == -1;
        }
        catch (SocketTimeoutException ex) {
            return false;
        }
        catch (IOException ex) {
            return true;
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}

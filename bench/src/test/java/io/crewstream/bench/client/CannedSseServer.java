package io.crewstream.bench.client;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;

/**
 * A stand-in gateway on an ephemeral loopback port: for every connection it reads the request head, writes one
 * canned response and then keeps the socket open, as an event stream would, until the server is closed.
 *
 * <p>Threading: one daemon thread accepts and answers connections one after another; {@link #requests()} hands the
 * request heads it read to the test thread; {@link #close()} may be called from any thread.
 */
final class CannedSseServer implements AutoCloseable {

    /** CR LF CR LF as the last four bytes read, packed into an int. */
    private static final int END_OF_HEAD = 0x0d0a0d0a;

    private final ServerSocket serverSocket;

    private final Supplier<byte[]> response;

    private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();

    private final List<Socket> held = new CopyOnWriteArrayList<>();

    /** @param response what to write to each connection, asked for when that connection's request has arrived */
    CannedSseServer(Supplier<byte[]> response) throws IOException {
        this.response = response;
        this.serverSocket = new ServerSocket();
        this.serverSocket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread thread = new Thread(this::serve, "canned-sse-server");
        thread.setDaemon(true);
        thread.start();
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + this.serverSocket.getLocalPort() + pathAndQuery);
    }

    int port() {
        return this.serverSocket.getLocalPort();
    }

    /** The request heads received so far, in order. */
    BlockingQueue<String> requests() {
        return this.requests;
    }

    @Override
    public void close() throws IOException {
        this.serverSocket.close();
        for (Socket socket : this.held) {
            socket.close();
        }
    }

    private void serve() {
        while (!this.serverSocket.isClosed()) {
            try {
                Socket socket = this.serverSocket.accept();
                this.held.add(socket);
                this.requests.add(readHead(socket.getInputStream()));
                socket.getOutputStream().write(this.response.get());
                socket.getOutputStream().flush();
            }
            catch (IOException ex) {
                // Closed by the test: the server is done.
            }
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last4 = 0;
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            last4 = (last4 << 8) | b;
            if (last4 == END_OF_HEAD) {
                break;
            }
        }
        return head.toString(StandardCharsets.US_ASCII);
    }
}

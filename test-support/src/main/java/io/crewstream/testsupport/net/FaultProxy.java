package io.crewstream.testsupport.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP forwarder on a loopback port that breaks what it carries the way a network does, for chaos runs: every
 * connection accepted is forwarded to one target, under the {@link NetworkFault} in force, which may change at any
 * time and applies at once to every byte not yet forwarded (in both directions, on every connection):
 * <ul>
 * <li>{@link NetworkFault.Pass}: forwarded as it comes;</li>
 * <li>{@link NetworkFault.Latency}: each chunk forwarded that long after it was read;</li>
 * <li>{@link NetworkFault.BlackHole}: nothing forwarded and nothing closed (no FIN, no RST): both ends see a silent
 * peer, as behind a dropped route. New connections are accepted but not connected onwards. Reads continue until
 * a small buffer per direction is full, then the sender's TCP window closes, as with a peer that stopped acking.
 * When the fault ends, what was held back is delivered, as TCP retransmission would;</li>
 * <li>{@link NetworkFault.Bandwidth}: each direction of each connection paced to that many bytes per second;</li>
 * <li>{@link #cut()}: every open connection closed on both sides (FIN), new ones accepted as usual.</li>
 * </ul>
 * End of stream in one direction is passed on as a half close (in order, after the data before it).
 *
 * <p>Threading: {@link #start} and {@link #close} from one thread; {@link #apply}, {@link #cut} and the getters from
 * any thread. The proxy runs an acceptor thread and, per connection, a connecting thread, then a reader and a
 * writer thread per direction (blocking sockets; daemons). Delays are measured with {@link System#nanoTime()}: they
 * are durations on this machine, not instants.
 */
public final class FaultProxy implements AutoCloseable {

    private static final int CHUNK_BYTES = 16 * 1024;

    /** Chunks held per direction before the proxy stops reading (then TCP flow control holds the sender). */
    private static final int QUEUED_CHUNKS = 64;

    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private final String name;

    private final InetSocketAddress target;

    private final int requestedPort;

    private final Object lock = new Object();

    private final Set<Link> links = ConcurrentHashMap.newKeySet();

    // Guarded by lock.
    private NetworkFault fault = NetworkFault.PASS;

    private volatile ServerSocket server;

    /**
     * @param name for thread names and {@link #toString()}
     * @param target where every accepted connection is forwarded
     * @param port the port to listen on (loopback), 0 for a free one
     */
    public FaultProxy(String name, InetSocketAddress target, int port) {
        this.name = name;
        this.target = target;
        this.requestedPort = port;
    }

    /** Binds the port and starts accepting. */
    public FaultProxy start() {
        try {
            ServerSocket socket = new ServerSocket();
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), this.requestedPort), 128);
            this.server = socket;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("fault proxy " + this.name + " cannot listen on " + this.requestedPort, ex);
        }
        daemon(this::acceptLoop, "accept").start();
        return this;
    }

    /** The port this proxy listens on (loopback); valid after {@link #start()}. */
    public int port() {
        return this.server.getLocalPort();
    }

    /** Puts {@code fault} in force for every connection, open or future; {@link NetworkFault#PASS} heals. */
    public void apply(NetworkFault fault) {
        synchronized (this.lock) {
            this.fault = fault;
            this.lock.notifyAll();
        }
    }

    public NetworkFault fault() {
        synchronized (this.lock) {
            return this.fault;
        }
    }

    /** Closes every open connection on both sides; the proxy keeps accepting. */
    public void cut() {
        this.links.forEach(Link::close);
    }

    /** Connections currently open through the proxy. */
    public int connections() {
        return this.links.size();
    }

    @Override
    public void close() {
        ServerSocket socket = this.server;
        if (socket != null) {
            closeQuietly(socket);
        }
        cut();
        apply(NetworkFault.PASS);
    }

    @Override
    public String toString() {
        return "fault proxy " + this.name + " -> " + this.target;
    }

    private void acceptLoop() {
        while (!this.server.isClosed()) {
            Socket client;
            try {
                client = this.server.accept();
            }
            catch (IOException ex) {
                return;
            }
            Link link = new Link(client);
            this.links.add(link);
            daemon(link::connect, "connect").start();
        }
    }

    /** Waits while the fault is a black hole; false when interrupted. */
    private boolean awaitNoBlackHole() {
        synchronized (this.lock) {
            while (this.fault instanceof NetworkFault.BlackHole) {
                try {
                    this.lock.wait();
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Waits until {@code bytes} read at {@code readAt} may go out under the fault in force, which may change while
     * waiting; {@code pace} is the direction's bandwidth state. Returns false when interrupted.
     */
    private boolean awaitTurn(long readAt, int bytes, Pace pace) {
        synchronized (this.lock) {
            try {
                while (true) {
                    if (this.fault instanceof NetworkFault.BlackHole) {
                        this.lock.wait();
                        continue;
                    }
                    long now = System.nanoTime();
                    long due = now;
                    if (this.fault instanceof NetworkFault.Latency latency) {
                        due = readAt + latency.delay().toNanos();
                    }
                    else if (this.fault instanceof NetworkFault.Bandwidth) {
                        due = pace.nextSlot(now);
                    }
                    long waitNanos = due - now;
                    if (waitNanos <= 0) {
                        if (this.fault instanceof NetworkFault.Bandwidth bandwidth) {
                            pace.spend(now, bytes, bandwidth.bytesPerSecond());
                        }
                        return true;
                    }
                    this.lock.wait(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
                }
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** How many bytes of a chunk go out at once: about a twentieth of a second's worth under a bandwidth limit. */
    private int slice(int remaining) {
        synchronized (this.lock) {
            if (this.fault instanceof NetworkFault.Bandwidth bandwidth) {
                return (int) Math.max(1, Math.min(remaining, bandwidth.bytesPerSecond() / 20));
            }
            return remaining;
        }
    }

    private Thread daemon(Runnable task, String role) {
        Thread thread = new Thread(task, "fault-proxy-" + this.name + "-" + role);
        thread.setDaemon(true);
        return thread;
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        }
        catch (Exception ex) {
            // Closing to cut or to clean up: the other side learns from its own socket.
        }
    }

    /** When the next bytes of one direction may go under a bandwidth limit. Guarded by the proxy's lock. */
    private static final class Pace {

        private long nextSlot = Long.MIN_VALUE;

        long nextSlot(long now) {
            return (this.nextSlot == Long.MIN_VALUE || this.nextSlot - now < 0) ? now : this.nextSlot;
        }

        void spend(long now, int bytes, long bytesPerSecond) {
            this.nextSlot = nextSlot(now) + bytes * 1_000_000_000L / bytesPerSecond;
        }
    }

    private record Chunk(byte[] bytes, long readAt) {

        static final Chunk END = new Chunk(new byte[0], 0);
    }

    /** One accepted connection and its onward connection to the target. */
    private final class Link {

        private final Socket client;

        private final Socket upstream = new Socket();

        private int openDirections = 2;

        Link(Socket client) {
            this.client = client;
        }

        void connect() {
            // A black hole swallows the onward handshake too: the caller's connect succeeded (the kernel accepted
            // it), but nothing reaches the target until the fault ends.
            if (!awaitNoBlackHole()) {
                close();
                return;
            }
            try {
                this.client.setTcpNoDelay(true);
                this.upstream.connect(FaultProxy.this.target, CONNECT_TIMEOUT_MS);
                this.upstream.setTcpNoDelay(true);
                direction(this.client, this.upstream, "up");
                direction(this.upstream, this.client, "down");
            }
            catch (IOException ex) {
                close();
            }
        }

        private void direction(Socket from, Socket to, String label) throws IOException {
            BlockingQueue<Chunk> queue = new ArrayBlockingQueue<>(QUEUED_CHUNKS);
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            daemon(() -> read(in, queue), "read-" + label).start();
            daemon(() -> write(queue, out, to), "write-" + label).start();
        }

        private void read(InputStream in, BlockingQueue<Chunk> queue) {
            byte[] buffer = new byte[CHUNK_BYTES];
            try {
                while (true) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        queue.put(Chunk.END);
                        return;
                    }
                    queue.put(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime()));
                }
            }
            catch (IOException ex) {
                close();
                // Wakes the writer, which then fails on the closed socket and ends.
                queue.offer(Chunk.END);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        private void write(BlockingQueue<Chunk> queue, OutputStream out, Socket to) {
            Pace pace = new Pace();
            try {
                while (true) {
                    Chunk chunk = queue.take();
                    if (chunk == Chunk.END) {
                        if (!awaitTurn(System.nanoTime(), 0, pace)) {
                            close();
                            return;
                        }
                        to.shutdownOutput();
                        directionEnded();
                        return;
                    }
                    int offset = 0;
                    while (offset < chunk.bytes().length) {
                        int length = slice(chunk.bytes().length - offset);
                        if (!awaitTurn(chunk.readAt(), length, pace)) {
                            close();
                            return;
                        }
                        out.write(chunk.bytes(), offset, length);
                        out.flush();
                        offset += length;
                    }
                }
            }
            catch (IOException ex) {
                close();
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                close();
            }
        }

        private synchronized void directionEnded() {
            this.openDirections--;
            if (this.openDirections == 0) {
                close();
            }
        }

        void close() {
            FaultProxy.this.links.remove(this);
            closeQuietly(this.client);
            closeQuietly(this.upstream);
        }
    }
}

package io.crewstream.bench.client;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * One selector, the thread that runs it and the connections registered with it. Thousands of streams share one such
 * thread and one read buffer, which is what keeps a load client's CPU per event low: a read goes straight from the
 * socket into the scanner, with no executor hop, no subscriber machinery and no buffer list per chunk.
 *
 * <p>Threading: {@link #add} and {@link #close} may be called from any thread. Everything else (the selector, its
 * keys, the connections and the read buffer) is touched only by this object's own thread. {@link #add} queues the
 * connection and wakes the selector instead of registering it, because registering blocks while the selector thread
 * is inside {@code select()}. A connection added after {@link #close} is abandoned: its listener hears nothing.
 */
final class SseSelectorThread implements AutoCloseable {

    /** How often connects are checked against their deadlines while any is pending. */
    private static final long CONNECT_CHECK_MILLIS = 100;

    /**
     * A heap buffer on purpose: the scanner reads it byte by byte, which is cheaper on a heap array than through a
     * direct buffer, and that loop costs far more than the copy the JDK makes from its own direct buffer.
     */
    private static final int READ_BUFFER_BYTES = 64 * 1024;

    private final Selector selector;

    private final Queue<NioSseConnection> added = new ConcurrentLinkedQueue<>();

    private final List<NioSseConnection> connecting = new ArrayList<>();

    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES);

    private final Thread thread;

    private volatile boolean running = true;

    private SseSelectorThread(Selector selector, String name) {
        this.selector = selector;
        this.thread = new Thread(this::run, name);
        this.thread.setDaemon(true);
    }

    /** Opens a selector and starts its thread. */
    static SseSelectorThread start(String name) {
        try {
            SseSelectorThread selectorThread = new SseSelectorThread(Selector.open(), name);
            selectorThread.thread.start();
            return selectorThread;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("cannot open a selector", ex);
        }
    }

    /** Hands a connection over; this thread starts it as soon as it wakes up. */
    void add(NioSseConnection connection) {
        this.added.add(connection);
        this.selector.wakeup();
    }

    /** Stops the thread and closes every socket it holds, waiting a few seconds at most for that to happen. */
    @Override
    public void close() {
        this.running = false;
        this.selector.wakeup();
        try {
            this.thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        long nextConnectCheck = System.nanoTime();
        try {
            while (this.running) {
                this.selector.select(this.connecting.isEmpty() ? 0 : CONNECT_CHECK_MILLIS);
                startAdded();
                handleSelected();
                if (!this.connecting.isEmpty() && System.nanoTime() - nextConnectCheck >= 0) {
                    long now = System.nanoTime();
                    this.connecting.removeIf(connection -> connection.settleConnect(now));
                    nextConnectCheck = now + TimeUnit.MILLISECONDS.toNanos(CONNECT_CHECK_MILLIS);
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("selector failed", ex);
        }
        finally {
            abandonAll();
        }
    }

    private void startAdded() {
        NioSseConnection connection;
        while ((connection = this.added.poll()) != null) {
            connection.start(this.selector);
            if (connection.connecting()) {
                this.connecting.add(connection);
            }
        }
    }

    private void handleSelected() {
        Iterator<SelectionKey> selected = this.selector.selectedKeys().iterator();
        while (selected.hasNext()) {
            SelectionKey key = selected.next();
            selected.remove();
            if (key.isValid()) {
                ((NioSseConnection) key.attachment()).onReady(this.readBuffer);
            }
        }
    }

    private void abandonAll() {
        for (SelectionKey key : new ArrayList<>(this.selector.keys())) {
            ((NioSseConnection) key.attachment()).abandon();
        }
        NioSseConnection connection;
        while ((connection = this.added.poll()) != null) {
            connection.abandon();
        }
        try {
            this.selector.close();
        }
        catch (IOException ex) {
            // The process is done with this selector either way.
        }
    }
}

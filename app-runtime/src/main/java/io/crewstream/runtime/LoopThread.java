package io.crewstream.runtime;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * A loop on its own daemon thread that can be told to stop: the apps' Kafka readers that poll until stopped and wait
 * between failed attempts. {@link #stop()} sets the signal, runs the loop's wake-up (e.g. {@code consumer::wakeup},
 * to end a blocking poll) and ends a {@link #pause} at once.
 *
 * <p>Threading: {@link #stop()}, {@link #stopping()} and {@link #join} may be called from any thread (the signal is
 * guarded by this object's monitor); {@link #pause} is for the loop's own thread.
 */
public final class LoopThread {

    private final Runnable wake;
    private Thread thread;
    // Guarded by this object's monitor.
    private boolean stopping;

    private LoopThread(Runnable wake) {
        this.wake = wake;
    }

    /**
     * Starts {@code body} on a new daemon thread named {@code name}; the body reads {@link #stopping()} to know when
     * to end.
     *
     * @param wake ends whatever the body may block in (called by {@link #stop()}, from the stopping thread)
     */
    public static LoopThread start(String name, Runnable wake, Consumer<LoopThread> body) {
        LoopThread loop = new LoopThread(wake);
        Thread thread = new Thread(() -> body.accept(loop), name);
        // Never keeps the JVM alive on its own: stop() ends it, and so does the JVM's exit.
        thread.setDaemon(true);
        loop.thread = thread;
        thread.start();
        return loop;
    }

    /** Tells the loop to end and wakes it; returns at once. */
    public synchronized void stop() {
        this.stopping = true;
        this.wake.run();
        notifyAll();
    }

    public synchronized boolean stopping() {
        return this.stopping;
    }

    /** Waits {@code wait} (at least 1 ms), or less if stopped meanwhile; an interrupt counts as a stop. */
    public synchronized void pause(Duration wait) {
        if (this.stopping) {
            return;
        }
        try {
            wait(Math.max(1, wait.toMillis()));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            this.stopping = true;
        }
    }

    /** Waits up to {@code timeout} for the loop's thread to end. */
    public void join(Duration timeout) {
        try {
            this.thread.join(Math.max(1, timeout.toMillis()));
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Interrupts the loop's thread: for a body blocked in something only an interrupt ends (a sleep). */
    public void interrupt() {
        this.thread.interrupt();
    }
}

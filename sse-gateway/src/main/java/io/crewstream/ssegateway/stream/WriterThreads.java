package io.crewstream.ssegateway.stream;

import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few threads that write to client sockets. One table change schedules a write on every client that takes it,
 * a thousand tasks at once: a {@code ThreadPoolExecutor}'s locked queue made the table reader and the writers contend
 * on every one of them (about a tenth of the gateway's CPU under fan-out load). Here tasks go into a lock-free
 * queue, and a writer is woken only when it is parked, so a burst of a thousand tasks costs at most one wake-up per
 * thread.
 *
 * <p>Threading: {@link #execute} may be called from any thread; {@link #start} and {@link #stop} by the owner, once
 * each. Tasks are taken in submission order, any task by any writer, so tasks run concurrently and may finish in
 * any order (a client never has two drains scheduled at once). A task that throws, even an {@code Error}, is logged
 * and its writer goes on: a writer lost would stall every client it would have served.
 */
final class WriterThreads implements Executor {

    private static final Logger logger = LoggerFactory.getLogger(WriterThreads.class);

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();

    private final Worker[] workers;

    private volatile boolean accepting;

    WriterThreads(String namePrefix, int threads) {
        this.workers = new Worker[threads];
        for (int i = 0; i < threads; i++) {
            this.workers[i] = new Worker(namePrefix + (i + 1));
        }
    }

    void start() {
        this.accepting = true;
        for (Worker worker : this.workers) {
            worker.thread.start();
        }
    }

    @Override
    public void execute(Runnable task) {
        if (!this.accepting) {
            throw new RejectedExecutionException("Writer threads are stopped");
        }
        this.tasks.offer(task);
        if (!this.accepting && this.tasks.remove(task)) {
            // stop() ran meanwhile and the writers may have left: the task would never run.
            throw new RejectedExecutionException("Writer threads are stopped");
        }
        for (Worker worker : this.workers) {
            if (worker.parked.compareAndSet(true, false)) {
                LockSupport.unpark(worker.thread);
                return;
            }
        }
    }

    /**
     * Refuses new tasks, lets the writers finish the queued ones and waits for them, at most {@code timeout};
     * interrupts the ones still running after that.
     * @return whether every writer ended within the timeout
     */
    boolean stop(Duration timeout) throws InterruptedException {
        this.accepting = false;
        for (Worker worker : this.workers) {
            LockSupport.unpark(worker.thread);
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean ended = true;
        for (Worker worker : this.workers) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            worker.thread.join(Math.max(1, left));
            if (worker.thread.isAlive()) {
                ended = false;
                worker.thread.interrupt();
            }
        }
        return ended;
    }

    private final class Worker implements Runnable {

        private final Thread thread;

        /** True while this worker is (about to be) parked with nothing to do; whoever clears it must unpark it. */
        private final AtomicBoolean parked = new AtomicBoolean();

        Worker(String name) {
            this.thread = new Thread(this, name);
            this.thread.setDaemon(true);
        }

        @Override
        public void run() {
            while (true) {
                Runnable task = WriterThreads.this.tasks.poll();
                if (task != null) {
                    runSafely(task);
                    continue;
                }
                if (!WriterThreads.this.accepting) {
                    return;
                }
                this.parked.set(true);
                // A task offered before the flag was set found no parked worker: look once more before sleeping.
                if (!WriterThreads.this.tasks.isEmpty() || !WriterThreads.this.accepting) {
                    this.parked.set(false);
                    continue;
                }
                LockSupport.park(this);
                this.parked.set(false);
            }
        }

        private void runSafely(Runnable task) {
            try {
                task.run();
            }
            catch (Throwable ex) {
                logger.error("A client write task failed; the writer goes on", ex);
            }
        }
    }
}

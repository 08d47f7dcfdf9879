package io.crewstream.ssegateway.stream;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The threads that write to client sockets. */
class WriterThreadsTest {

    private final WriterThreads writers = new WriterThreads("test-writer-", 2);

    @AfterEach
    void stop() throws InterruptedException {
        this.writers.stop(Duration.ofSeconds(5));
    }

    @Test
    void everyTaskOfABurstFromOneThreadRuns() throws InterruptedException {
        this.writers.start();
        int tasks = 10_000;
        CountDownLatch done = new CountDownLatch(tasks);
        for (int i = 0; i < tasks; i++) {
            this.writers.execute(done::countDown);
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aTaskThatThrowsEvenAnErrorLeavesItsWriterRunning() throws InterruptedException {
        WriterThreads single = new WriterThreads("test-single-writer-", 1);
        single.start();
        try {
            single.execute(() -> {
                throw new StackOverflowError("simulated");
            });
            CountDownLatch after = new CountDownLatch(1);
            single.execute(after::countDown);
            assertThat(after.await(10, TimeUnit.SECONDS)).as("the only writer still runs tasks").isTrue();
        }
        finally {
            single.stop(Duration.ofSeconds(5));
        }
    }

    @Test
    void stopRunsWhatWasQueuedAndRefusesWhatComesAfter() throws InterruptedException {
        this.writers.start();
        AtomicInteger ran = new AtomicInteger();
        for (int i = 0; i < 1000; i++) {
            this.writers.execute(ran::incrementAndGet);
        }
        assertThat(this.writers.stop(Duration.ofSeconds(5))).isTrue();
        assertThat(ran).hasValue(1000);
        assertThatExceptionOfType(RejectedExecutionException.class)
                .isThrownBy(() -> this.writers.execute(ran::incrementAndGet));
    }
}

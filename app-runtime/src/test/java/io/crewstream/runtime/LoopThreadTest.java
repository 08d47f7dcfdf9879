package io.crewstream.runtime;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class LoopThreadTest {

    @Test
    void stopWakesTheLoopAndEndsAPauseAtOnceSoTheThreadEnds() throws Exception {
        AtomicBoolean woken = new AtomicBoolean();
        AtomicInteger rounds = new AtomicInteger();
        CountDownLatch pausing = new CountDownLatch(1);
        CountDownLatch ended = new CountDownLatch(1);
        LoopThread loop = LoopThread.start("loop-test", () -> woken.set(true), self -> {
            while (!self.stopping()) {
                rounds.incrementAndGet();
                pausing.countDown();
                self.pause(Duration.ofMinutes(10));
            }
            ended.countDown();
        });
        assertThat(pausing.await(10, TimeUnit.SECONDS)).isTrue();

        loop.stop();

        assertThat(ended.await(10, TimeUnit.SECONDS)).as("the ten-minute pause ended at the stop").isTrue();
        assertThat(woken).as("the wake-up ran, e.g. a consumer's wakeup").isTrue();
        assertThat(rounds).as("no round after the stop").hasValue(1);
        assertThat(loop.stopping()).isTrue();
    }
}

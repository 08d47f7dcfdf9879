package io.crewstream.ssegateway.replay;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** At most so many replay questions at once; one more waits a little, then is refused rather than queued. */
class ReplayGateTest {

    @Test
    void aQuestionBeyondThePermitsIsRefusedAfterTheWaitAndAdmittedOnceOneIsFree() throws Exception {
        ReplayGate gate = new ReplayGate(1, Duration.ofMillis(100));
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> gate.run(() -> {
            running.countDown();
            await(release);
            return "first";
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() -> gate.run(() -> "second")).isInstanceOf(ReplayGate.Busy.class)
                .hasMessage("the gateway is answering as many replay questions as it can; retry shortly");

        release.countDown();
        assertThat(first.get(10, TimeUnit.SECONDS)).isEqualTo("first");
        assertThat(gate.run(() -> "third")).isEqualTo("third");
    }

    @Test
    void aFailingQuestionGivesItsPermitBack() {
        ReplayGate gate = new ReplayGate(1, Duration.ofMillis(100));
        assertThatThrownBy(() -> gate.run(() -> {
            throw new IllegalStateException("Kafka said no");
        })).hasMessage("Kafka said no");
        assertThat(gate.run(() -> "next")).isEqualTo("next");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}

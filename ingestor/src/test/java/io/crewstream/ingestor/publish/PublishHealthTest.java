package io.crewstream.ingestor.publish;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PublishHealthTest {

    private final PublishHealth health = new PublishHealth(Clock.fixed(Instant.ofEpochMilli(1000), ZoneOffset.UTC));
    private final AtomicInteger recoveries = new AtomicInteger();

    @Test
    void aFailedSendDegradesUntilARecordSentAfterItIsAcknowledged() {
        this.health.onRecovery(this.recoveries::incrementAndGet);

        this.health.recordFailure(5, "sending failed: TimeoutException");
        this.health.recordSuccess(4);

        assertThat(this.health.degraded()).as("a record sent before the failure proves nothing").isTrue();
        assertThat(this.recoveries).hasValue(0);
        assertThat(this.health.lastFailure()).contains("TimeoutException");

        this.health.recordSuccess(6);

        assertThat(this.health.degraded()).isFalse();
        assertThat(this.recoveries).hasValue(1);
        this.health.recordSuccess(7);
        assertThat(this.recoveries).as("recovery is announced once per outage").hasValue(1);
    }

    @Test
    void successesWithoutAFailureAnnounceNothing() {
        this.health.onRecovery(this.recoveries::incrementAndGet);

        this.health.recordSuccess(1);

        assertThat(this.health.degraded()).isFalse();
        assertThat(this.recoveries).hasValue(0);
    }
}

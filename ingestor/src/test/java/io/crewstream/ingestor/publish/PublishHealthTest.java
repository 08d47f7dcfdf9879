package io.crewstream.ingestor.publish;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.crewstream.schemas.records.KafkaOutage;
import io.crewstream.testsupport.time.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PublishHealthTest {

    private final MovableClock clock = new MovableClock(Instant.ofEpochMilli(1000));
    private final PublishHealth health = new PublishHealth(this.clock);
    private final List<KafkaOutage> recoveries = new CopyOnWriteArrayList<>();

    @Test
    void aFailedSendDegradesUntilARecordSentAfterItIsAcknowledged() {
        this.health.onRecovery(this.recoveries::add);

        this.health.recordFailure(5, "sending failed: TimeoutException");
        this.health.recordSuccess(4);

        assertThat(this.health.degraded()).as("a record sent before the failure proves nothing").isTrue();
        assertThat(this.recoveries).isEmpty();
        assertThat(this.health.lastFailure()).contains("TimeoutException");

        this.health.recordSuccess(6);

        assertThat(this.health.degraded()).isFalse();
        assertThat(this.recoveries).hasSize(1);
        this.health.recordSuccess(7);
        assertThat(this.recoveries).as("recovery is announced once per outage").hasSize(1);
    }

    @Test
    void theRecoveryTellsWhenTheOutageBeganAndEndedAndHowManyRecordsFailedInIt() {
        this.health.onRecovery(this.recoveries::add);
        this.health.recordFailure(1, "an earlier outage");
        this.health.recordSuccess(2);
        this.recoveries.clear();

        this.clock.at(5_000);
        this.health.recordFailure(10, "sending failed: TimeoutException");
        this.clock.at(6_000);
        this.health.recordFailure(11, "sending failed: TimeoutException");
        this.health.recordFailure(12, "sending failed: TimeoutException");
        this.clock.at(9_500);
        this.health.recordSuccess(13);

        assertThat(this.recoveries).containsExactly(new KafkaOutage(5_000L, 9_500L, 3L));
    }

    @Test
    void successesWithoutAFailureAnnounceNothing() {
        this.health.onRecovery(this.recoveries::add);

        this.health.recordSuccess(1);

        assertThat(this.health.degraded()).isFalse();
        assertThat(this.recoveries).isEmpty();
    }
}

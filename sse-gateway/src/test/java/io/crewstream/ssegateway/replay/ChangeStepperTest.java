package io.crewstream.ssegateway.replay;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.stream.IntStream;

import io.crewstream.replay.Replay;
import io.crewstream.replay.kafka.ReplaySource;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.ssegateway.support.Timeline;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import static io.crewstream.ssegateway.support.Timeline.row;
import static io.crewstream.ssegateway.support.Timeline.snapshot;
import static io.crewstream.ssegateway.support.Timeline.upsert;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Stepping over an instant that changed more rows than a step lists (a snapshot of 150 new sessions), both ways,
 * against the real broker: the step says it is truncated, lists the first {@value ChangeStepper#MAX_CHANGES_SHOWN},
 * and going back still finds the instant's last change and the millisecond before it.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ChangeStepperTest {

    private static final String GATEWAY = "gw-big";

    private static final int ROWS = 150;

    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));

    private Timeline timeline;

    private ChangeStepper stepper;

    @BeforeAll
    void writeTimeline(KafkaBroker broker) {
        this.timeline = Timeline.create(broker, "change-stepper");
        this.timeline.known(GATEWAY);
        SessionRow[] rows = IntStream.range(0, ROWS).mapToObj(i -> row(String.format("s%03d", i), "running"))
                .toArray(SessionRow[]::new);
        this.timeline.event(T0, snapshot(GATEWAY, "big", rows));
        this.timeline.event(T0.plusSeconds(30), upsert(GATEWAY, row("s000", "done"), 7));
        this.stepper = new ChangeStepper(new Replay(new ReplaySource(broker.bootstrapServers(),
                this.timeline.namespace())));
    }

    @AfterAll
    void close() {
        this.timeline.close();
    }

    @Test
    void goingBackOverABigInstantListsItsFirstChangesSaysSoAndSelectsItsLastChange() {
        ChangeStepper.Step update = this.stepper.step(GATEWAY, T0.plusSeconds(60), ChangeStepper.Direction.PREVIOUS);
        assertThat(update.change().sessionKey()).isEqualTo("s000");
        assertThat(update.truncated()).isFalse();

        ChangeStepper.Step snapshot = this.stepper.step(GATEWAY, update.moveTo(), ChangeStepper.Direction.PREVIOUS);
        assertThat(snapshot.truncated()).isTrue();
        assertThat(snapshot.atSameInstant()).hasSize(ChangeStepper.MAX_CHANGES_SHOWN)
                .allSatisfy(change -> assertThat(change.at()).isEqualTo(T0));
        assertThat(snapshot.change().at()).isEqualTo(T0);
        assertThat(snapshot.change()).as("the instant's last change").isNotIn(snapshot.atSameInstant());
        assertThat(snapshot.moveTo()).isEqualTo(T0.minusMillis(1));
        assertThat(this.stepper.step(GATEWAY, snapshot.moveTo(), ChangeStepper.Direction.PREVIOUS)).isNull();
    }

    @Test
    void goingForwardOntoABigInstantListsItsFirstChangesAndSaysSo() {
        ChangeStepper.Step snapshot = this.stepper.step(GATEWAY, T0.minusSeconds(5), ChangeStepper.Direction.NEXT);
        assertThat(snapshot.truncated()).isTrue();
        assertThat(snapshot.atSameInstant()).hasSize(ChangeStepper.MAX_CHANGES_SHOWN).contains(snapshot.change());
        assertThat(snapshot.moveTo()).isEqualTo(T0);
    }
}

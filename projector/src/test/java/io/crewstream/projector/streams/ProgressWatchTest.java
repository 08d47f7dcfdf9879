package io.crewstream.projector.streams;

import java.time.Duration;
import java.util.Map;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When the projector counts as stalled: one rule per test, on plain samples. */
class ProgressWatchTest {

    private static final TopicPartition P0 = new TopicPartition("session-events", 0);
    private static final TopicPartition P1 = new TopicPartition("session-events", 1);

    private final ProgressWatch watch = new ProgressWatch(Duration.ofSeconds(60));

    private ProgressWatch.Verdict at(long seconds, long committed0, long end0) {
        return this.watch.observe(seconds * 1000, Map.of(P0, committed0), Map.of(P0, end0));
    }

    @Test
    void aCommittedOffsetThatMovesIsProgressWhateverTheLag() {
        at(0, 10, 500);
        at(50, 20, 600);
        ProgressWatch.Verdict verdict = at(110, 30, 700);
        assertThat(verdict.state()).isEqualTo(ProgressWatch.State.PROGRESSING);
        assertThat(verdict.lag()).isEqualTo(670);
    }

    @Test
    void nothingLeftToReadIsProgressHoweverLongTheOffsetStands() {
        at(0, 10, 10);
        assertThat(at(3600, 10, 10).state()).isEqualTo(ProgressWatch.State.PROGRESSING);
    }

    @Test
    void anOffsetStandingBehindNewRecordsForTheTimeoutIsAStall() {
        at(0, 10, 11);
        assertThat(at(59, 10, 12).state()).as("not yet the timeout").isEqualTo(ProgressWatch.State.PROGRESSING);
        ProgressWatch.Verdict verdict = at(60, 10, 12);
        assertThat(verdict.state()).isEqualTo(ProgressWatch.State.STALLED);
        assertThat(verdict.stalledPartitions()).containsExactly(P0.toString());
        assertThat(verdict.stalledSinceMillis()).isZero();
        assertThat(verdict.lag()).isEqualTo(2);
    }

    @Test
    void aStreamThreadDyingWhileTheOffsetStandsIsAStallEvenWithoutNewRecords() {
        at(0, 10, 11);
        this.watch.threadFailed(5_000);
        assertThat(at(61, 10, 11).state()).isEqualTo(ProgressWatch.State.STALLED);
    }

    @Test
    void aLagThatNeitherGrowsNorMadeAThreadFailIsNoStall() {
        // E.g. a transaction marker after the last record, which Kafka Streams had no reason to commit past.
        at(0, 10, 11);
        assertThat(at(3600, 10, 11).state()).isEqualTo(ProgressWatch.State.PROGRESSING);
    }

    @Test
    void aThreadFailureBeforeTheOffsetLastMovedIsNoEvidence() {
        this.watch.threadFailed(1_000);
        at(2, 10, 11);
        assertThat(at(3600, 10, 11).state()).isEqualTo(ProgressWatch.State.PROGRESSING);
    }

    @Test
    void aPartitionWithNothingCommittedYetCountsFromItsStart() {
        this.watch.observe(0, Map.of(), Map.of(P0, 5L));
        ProgressWatch.Verdict verdict = this.watch.observe(61_000, Map.of(), Map.of(P0, 6L));
        assertThat(verdict.state()).isEqualTo(ProgressWatch.State.STALLED);
        assertThat(verdict.lag()).isEqualTo(6);
    }

    @Test
    void oneStalledPartitionStallsTheProjectorAndTheOthersAreNotNamed() {
        this.watch.observe(0, Map.of(P0, 10L, P1, 10L), Map.of(P0, 11L, P1, 11L));
        ProgressWatch.Verdict verdict = this.watch.observe(60_000, Map.of(P0, 10L, P1, 12L),
                Map.of(P0, 12L, P1, 12L));
        assertThat(verdict.state()).isEqualTo(ProgressWatch.State.STALLED);
        assertThat(verdict.stalledPartitions()).containsExactly(P0.toString());
    }

    @Test
    void aStallEndsAsSoonAsTheOffsetMoves() {
        at(0, 10, 11);
        assertThat(at(60, 10, 12).state()).isEqualTo(ProgressWatch.State.STALLED);
        assertThat(at(61, 11, 12).state()).isEqualTo(ProgressWatch.State.PROGRESSING);
    }

    @Test
    void resetForgetsWhatWasSeenBefore() {
        at(0, 10, 11);
        this.watch.reset();
        assertThat(at(60, 10, 12).state()).as("the standing starts again at 60 s")
                .isEqualTo(ProgressWatch.State.PROGRESSING);
    }
}

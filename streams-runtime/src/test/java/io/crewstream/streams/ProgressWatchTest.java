package io.crewstream.streams;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** When a Kafka Streams app counts as stalled: one rule per test, on plain samples. */
class ProgressWatchTest {

    private static final TopicPartition P0 = new TopicPartition("session-events", 0);
    private static final TopicPartition P1 = new TopicPartition("session-events", 1);

    /** What {@code ThreadFailures.lastMillis()} says while no stream thread has died. */
    private static final long NO_FAILURE = Long.MIN_VALUE;

    private final ProgressWatch watch = new ProgressWatch(Duration.ofSeconds(60));

    /** A sample of P0 while Kafka Streams runs, this instance holds P0 and no stream thread has died. */
    private ProgressWatch.Verdict at(long seconds, long committed0, long end0) {
        return sample(seconds, NO_FAILURE, true, Set.of(P0), committed0, end0);
    }

    /** As {@link #at}, with the last stream thread failure at {@code failedAtMillis}. */
    private ProgressWatch.Verdict atAfterThreadFailure(long seconds, long failedAtMillis, long committed0,
            long end0) {
        return sample(seconds, failedAtMillis, true, Set.of(P0), committed0, end0);
    }

    private ProgressWatch.Verdict sample(long seconds, long lastThreadFailureMillis, boolean running,
            Set<TopicPartition> held, long committed0, long end0) {
        return this.watch.observe(seconds * 1000, lastThreadFailureMillis, running, held, Map.of(P0, committed0),
                Map.of(P0, end0));
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
        at(1800, 10, 10);
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
        assertThat(atAfterThreadFailure(61, 5_000, 10, 11).state()).isEqualTo(ProgressWatch.State.STALLED);
    }

    @Test
    void twoRecordsWaitingAreEvidenceEnough() {
        at(0, 10, 12);
        assertThat(at(61, 10, 12).state()).isEqualTo(ProgressWatch.State.STALLED);
    }

    @Test
    void aLagOfOneThatNeitherGrowsNorMadeAThreadFailIsNoStall() {
        // E.g. a transaction marker after the last record, which Kafka Streams had no reason to commit past.
        at(0, 10, 11);
        at(1800, 10, 11);
        assertThat(at(3600, 10, 11).state()).isEqualTo(ProgressWatch.State.PROGRESSING);
    }

    @Test
    void aThreadFailureBeforeTheOffsetLastMovedIsNoEvidence() {
        atAfterThreadFailure(2, 1_000, 10, 11);
        assertThat(atAfterThreadFailure(3600, 1_000, 10, 11).state()).isEqualTo(ProgressWatch.State.PROGRESSING);
    }

    @Test
    void timeSpentRebalancingOrRestoringDoesNotCount() {
        at(0, 10, 11);
        sample(10, NO_FAILURE, false, Set.of(P0), 10, 12);
        sample(300, NO_FAILURE, false, Set.of(P0), 10, 20);
        assertThat(at(310, 10, 30).state()).as("10 s running in all").isEqualTo(ProgressWatch.State.PROGRESSING);
        assertThat(at(370, 10, 40).state()).isEqualTo(ProgressWatch.State.STALLED);
    }

    @Test
    void anotherInstancesPartitionIsNotThisInstancesStall() {
        sample(0, NO_FAILURE, true, Set.of(), 10, 11);
        ProgressWatch.Verdict verdict = sample(120, NO_FAILURE, true, Set.of(), 10, 20);
        assertThat(verdict.state()).isEqualTo(ProgressWatch.State.PROGRESSING);
        assertThat(verdict.lag()).as("lag counts this instance's partitions").isZero();
    }

    @Test
    void aPartitionHeldByAThreadThatDiedStillCounts() {
        at(0, 10, 11);
        // The thread died with its tasks: nothing is held until the group gives them to its replacement.
        assertThat(sample(61, 1_000, true, Set.of(), 10, 11).state()).isEqualTo(ProgressWatch.State.STALLED);
    }

    @Test
    void aPartitionWithNothingCommittedYetCountsFromItsStart() {
        this.watch.observe(0, NO_FAILURE, true, Set.of(P0), Map.of(), Map.of(P0, 5L));
        ProgressWatch.Verdict verdict = this.watch.observe(61_000, NO_FAILURE, true, Set.of(P0), Map.of(),
                Map.of(P0, 6L));
        assertThat(verdict.state()).isEqualTo(ProgressWatch.State.STALLED);
        assertThat(verdict.lag()).isEqualTo(6);
    }

    @Test
    void oneStalledPartitionStallsTheInstanceAndTheOthersAreNotNamed() {
        Set<TopicPartition> both = Set.of(P0, P1);
        this.watch.observe(0, NO_FAILURE, true, both, Map.of(P0, 10L, P1, 10L), Map.of(P0, 11L, P1, 11L));
        ProgressWatch.Verdict verdict = this.watch.observe(60_000, NO_FAILURE, true, both,
                Map.of(P0, 10L, P1, 12L), Map.of(P0, 12L, P1, 12L));
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
        at(30, 10, 12);
        assertThat(at(60, 10, 12).state()).as("the standing starts again at 30 s")
                .isEqualTo(ProgressWatch.State.PROGRESSING);
    }
}

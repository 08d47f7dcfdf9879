package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.RunUsage;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/** How the usage a run reported on the gateway's usage stream reaches its run-ended event. */
class RunUsageTrackerTest {

    private static final String SESSION = "agent:main:main";

    private final RunUsageTracker tracker = new RunUsageTracker();

    @Test
    void theEndOfARunGetsTheLatestUsageItReported() {
        this.tracker.report(usage("r1", 120));
        this.tracker.report(usage("r1", 300));

        RunActivity.Publish end = this.tracker.attach(ended("r1", RunOutcome.COMPLETED, null));

        assertThat(end.event().usage()).isEqualTo(new RunUsage(null, 300L, null));
    }

    @Test
    void attachingTheUsageKeepsEverythingElseOfTheEndIncludingItsEventId() {
        RunActivity.Publish without = ended("r1", RunOutcome.COMPLETED, null);
        this.tracker.report(usage("r1", 300));

        RunActivity.Publish with = this.tracker.attach(without);

        assertThat(with.eventId()).isEqualTo(without.eventId());
        assertThat(with.event()).usingRecursiveComparison().ignoringFields("usage").isEqualTo(without.event());
    }

    @Test
    void aFailedRunsEndGetsTheTokensItUsedToo() {
        this.tracker.report(usage("r1", 300));

        RunActivity.Publish end = this.tracker.attach(ended("r1", RunOutcome.ERROR, null));

        assertThat(end.event().usage()).isEqualTo(new RunUsage(null, 300L, null));
    }

    @Test
    void aUsageTheEndAlreadyCarriesWins() {
        RunUsage own = new RunUsage(1200L, 340L, 1540L);
        this.tracker.report(usage("r1", 300));

        RunActivity.Publish end = this.tracker.attach(ended("r1", RunOutcome.COMPLETED, own));

        assertThat(end.event().usage()).isEqualTo(own);
    }

    @Test
    void theRunIsForgottenAtItsFirstEndSoTheChatTerminalAfterTheLifecycleEndGetsNone() {
        this.tracker.report(usage("r1", 300));
        this.tracker.attach(ended("r1", RunOutcome.COMPLETED, null));

        RunActivity.Publish second = this.tracker.attach(ended("r1", RunOutcome.COMPLETED, null));

        assertThat(second.event().usage()).isNull();
        assertThat(this.tracker.size()).isZero();
    }

    @Test
    void theRunIsForgottenAtItsEndEvenWhenTheEndCarriedItsOwnUsage() {
        this.tracker.report(usage("r1", 300));

        this.tracker.attach(ended("r1", RunOutcome.COMPLETED, new RunUsage(1L, 2L, 3L)));

        assertThat(this.tracker.size()).isZero();
    }

    @Test
    void stepsOtherThanTheEndAreUnchangedAndLeaveTheUsageForTheEnd() {
        this.tracker.report(usage("r1", 300));
        RunActivity.Publish started = publish(RunEvent.toolStarted("gw", SESSION, "main", "r1", 5, 6, 3L, "exec",
                "c1"));

        assertThat(this.tracker.attach(started)).isSameAs(started);
        assertThat(this.tracker.attach(ended("r1", RunOutcome.COMPLETED, null)).event().usage()).isNotNull();
    }

    @Test
    void theEndOfARunGetsNoUsageAnotherRunReported() {
        this.tracker.report(usage("r2", 300));

        RunActivity.Publish end = this.tracker.attach(ended("r1", RunOutcome.COMPLETED, null));

        assertThat(end.event().usage()).isNull();
        assertThat(this.tracker.size()).isOne();
    }

    @Test
    void atMostMaxRunsAreKeptAndTheRunReportedLeastRecentlyIsDroppedFirst() {
        RunUsageTracker small = new RunUsageTracker(2);
        small.report(usage("r1", 1));
        small.report(usage("r2", 2));
        small.report(usage("r1", 3));
        small.report(usage("r3", 4));

        assertThat(small.size()).isEqualTo(2);
        assertThat(small.attach(ended("r2", RunOutcome.COMPLETED, null)).event().usage()).isNull();
        assertThat(small.attach(ended("r1", RunOutcome.COMPLETED, null)).event().usage().outputTokens())
                .isEqualTo(3L);
        assertThat(small.attach(ended("r3", RunOutcome.COMPLETED, null)).event().usage().outputTokens())
                .isEqualTo(4L);
    }

    @Test
    void byDefaultATrackerKeepsAThousandRuns() {
        for (int run = 0; run < 1_001; run++) {
            this.tracker.report(usage("r" + run, run));
        }

        assertThat(this.tracker.size()).isEqualTo(1_000);
        assertThat(this.tracker.attach(ended("r0", RunOutcome.COMPLETED, null)).event().usage()).isNull();
    }

    @Test
    void aTrackerKeepsAtLeastOneRun() {
        assertThatIllegalArgumentException().isThrownBy(() -> new RunUsageTracker(0)).withMessageContaining("maxRuns");
    }

    private static RunActivity.Usage usage(String runId, long outputTokens) {
        return new RunActivity.Usage(runId, new RunUsage(null, outputTokens, null));
    }

    private static RunActivity.Publish ended(String runId, RunOutcome outcome, RunUsage usage) {
        return publish(RunEvent.runEnded("gw", SESSION, "main", runId, 10, 11, 9L, outcome,
                outcome == RunOutcome.ERROR ? "rate_limit" : null, usage, null));
    }

    private static RunActivity.Publish publish(RunEvent event) {
        return new RunActivity.Publish(event, event.runId() + "/agent/" + event.runSeq());
    }
}

package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunOutcome;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Where run events that arrived during a snapshot's listing are published around it. */
class HeldRunEventsTest {

    private static final String SESSION = "agent:main:main";

    private final HeldRunEvents held = new HeldRunEvents();

    @Test
    void aRunThatEndedMeanwhileGoesBeforeTheSnapshotSoItIsNotClosedAsInterruptedFirst() {
        RunActivity.Publish started = started("r1", 1);
        RunActivity.Publish ended = ended("r1", 2);
        this.held.hold(started);
        this.held.hold(ended);

        HeldRunEvents.Split split = this.held.split();

        assertThat(split.beforeSnapshot()).containsExactly(started, ended);
        assertThat(split.afterSnapshot()).isEmpty();
    }

    @Test
    void aRunStillGoingGoesAfterTheSnapshotSoAnOlderListingCannotCloseIt() {
        RunActivity.Publish started = started("r1", 1);
        RunActivity.Publish tool = tool("r1", 2);
        this.held.hold(started);
        this.held.hold(tool);

        HeldRunEvents.Split split = this.held.split();

        assertThat(split.beforeSnapshot()).isEmpty();
        assertThat(split.afterSnapshot()).containsExactly(started, tool);
    }

    @Test
    void eachRunKeepsItsOrderWhenRunsAreSplit() {
        RunActivity.Publish oldTool = tool("old", 7);
        RunActivity.Publish newStart = started("new", 1);
        RunActivity.Publish oldEnd = ended("old", 8);
        RunActivity.Publish newTool = tool("new", 2);
        this.held.hold(oldTool);
        this.held.hold(newStart);
        this.held.hold(oldEnd);
        this.held.hold(newTool);

        HeldRunEvents.Split split = this.held.split();

        assertThat(split.beforeSnapshot()).containsExactly(oldTool, oldEnd);
        assertThat(split.afterSnapshot()).containsExactly(newStart, newTool);
        assertThat(this.held.isEmpty()).isTrue();
    }

    @Test
    void drainingGivesEverythingInArrivalOrder() {
        RunActivity.Publish a = started("a", 1);
        RunActivity.Publish b = ended("b", 3);
        this.held.hold(a);
        this.held.hold(b);

        assertThat(this.held.drain()).containsExactly(a, b);
        assertThat(this.held.isEmpty()).isTrue();
    }

    private static RunActivity.Publish started(String runId, long seq) {
        return new RunActivity.Publish(RunEvent.runStarted("gw", SESSION, "main", runId, seq, seq, seq),
                runId + "/agent/" + seq);
    }

    private static RunActivity.Publish tool(String runId, long seq) {
        return new RunActivity.Publish(RunEvent.toolStarted("gw", SESSION, "main", runId, seq, seq, seq, "exec",
                "c" + seq), runId + "/agent/" + seq);
    }

    private static RunActivity.Publish ended(String runId, long seq) {
        return new RunActivity.Publish(RunEvent.runEnded("gw", SESSION, "main", runId, seq, seq, seq,
                RunOutcome.COMPLETED, null, null, null), runId + "/agent/" + seq);
    }
}

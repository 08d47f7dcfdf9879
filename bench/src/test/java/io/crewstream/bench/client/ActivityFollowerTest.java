package io.crewstream.bench.client;

import java.util.List;

import io.crewstream.bench.client.ActivityFollower.Observation;
import io.crewstream.bench.client.ActivityLedger.Transition;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ActivityFollowerTest {

    private static final String KEY = "agent:main:activity-0";

    private final ActivityLedger ledger = new ActivityLedger();

    private final ActivityFollower follower = new ActivityFollower();

    @BeforeEach
    void measureFromTheStart() {
        this.ledger.openWindow(0);
        this.follower.initial(KEY, "idle", null, 500L);
    }

    /** Emits a transition whose simulator call ran from {@code fromMs} to {@code toMs} (wall clock). */
    private Transition emit(String state, String tool, long fromMs, long toMs) {
        Transition t = this.ledger.emit(KEY, state, tool, fromMs * 1000 + 400);
        t.emitted(toMs * 1000 + 200);
        return t;
    }

    private Observation show(String state, String tool, long since) {
        return this.follower.observe(KEY, state, tool, since, this.ledger.of(KEY));
    }

    @Test
    void aShownActivityIsTheEmittedTransitionWhoseCallSpannedItsSince() {
        Transition thinking = emit("thinking", null, 1000, 1001);
        Transition tool = emit("running-tool", "read", 1100, 1100);

        assertThat(show("thinking", null, 1001)).isEqualTo(new Observation.Seen(thinking, List.of()));
        assertThat(show("running-tool", "read", 1100)).isEqualTo(new Observation.Seen(tool, List.of()));
    }

    @Test
    void transitionsReplacedBeforeTheClientSawThemAreCountedAsSkipped() {
        emit("thinking", null, 1000, 1000);
        Transition tool = emit("running-tool", "exec", 1050, 1050);
        Transition afterTool = emit("thinking", null, 1080, 1080);
        Transition idle = emit("idle", null, 1120, 1120);
        show("thinking", null, 1000);

        assertThat(show("idle", null, 1120)).isEqualTo(new Observation.Seen(idle, List.of(tool, afterTool)));
    }

    @Test
    void theSameActivityAgainIsARowChangeOnly() {
        emit("thinking", null, 1000, 1000);
        show("thinking", null, 1000);

        assertThat(show("thinking", null, 1000)).isInstanceOf(Observation.Unchanged.class);
    }

    @Test
    void aStateNoCallOfTheHarnessEmittedIsUnmatchedAndSkipsNothing() {
        emit("error", null, 1000, 1000);
        Transition thinking = emit("thinking", null, 40000, 40000);
        show("error", null, 1000);

        assertThat(show("idle", null, 31000)).isInstanceOf(Observation.Unmatched.class);
        assertThat(show("thinking", null, 40000)).isEqualTo(new Observation.Seen(thinking, List.of()));
    }

    @Test
    void aSinceOutsideTheCallsMillisecondsDoesNotMatch() {
        emit("running-tool", "read", 1000, 1002);

        assertThat(show("running-tool", "read", 1003)).isInstanceOf(Observation.Unmatched.class);
        assertThat(show("running-tool", "read", 999)).isInstanceOf(Observation.Unmatched.class);
    }

    @Test
    void aCallNotReturnedYetMatchesAnySinceFromItsStart() {
        Transition open = this.ledger.emit(KEY, "thinking", null, 1_000_400);

        assertThat(show("thinking", null, 1005)).isEqualTo(new Observation.Seen(open, List.of()));
    }

    @Test
    void whatWasNeitherShownNorSkippedIsUnseen() {
        Transition thinking = emit("thinking", null, 1000, 1000);
        Transition tool = emit("running-tool", "read", 1050, 1050);
        assertThat(this.follower.unseen(KEY, this.ledger.of(KEY))).containsExactly(thinking, tool);

        show("thinking", null, 1000);

        assertThat(this.follower.unseen(KEY, this.ledger.of(KEY))).containsExactly(tool);
    }

    @Test
    void transitionsOutsideTheWindowAreNotMeasured() {
        ActivityLedger windowed = new ActivityLedger();
        Transition warmUp = windowed.emit(KEY, "thinking", null, 1_000_000);
        windowed.openWindow(2_000_000);
        Transition inside = windowed.emit(KEY, "idle", null, 2_000_000);
        windowed.closeWindow(3_000_000);
        Transition after = windowed.emit(KEY, "thinking", null, 3_000_000);

        assertThat(List.of(warmUp.measured(), inside.measured(), after.measured())).containsExactly(false, true,
                false);
        assertThat(windowed.measuredByState()).containsExactly(java.util.Map.entry("idle", 1L));
    }
}

package io.crewstream.bench.client;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.crewstream.bench.client.ActivityLedger.Transition;

/**
 * What one client has shown of each activity session, matched against the {@link ActivityLedger}: a newly shown
 * activity is either a transition of the ledger (and the ones between it and the previously shown one were skipped:
 * conflated away), the same activity again (the row changed, the activity did not), or nothing the harness emitted.
 *
 * <p>Threading: confined to one client's reader thread.
 */
public final class ActivityFollower {

    private final Map<String, Shown> shown = new HashMap<>();

    /** What the client showed first (its refresh), before any transition is matched. */
    public void initial(String sessionKey, String state, String toolName, Long since) {
        this.shown.put(sessionKey, new Shown(state, toolName, since, -1));
    }

    /** A session event showed this activity (state null: none). */
    public Observation observe(String sessionKey, String state, String toolName, Long since, List<Transition> ledger) {
        Shown before = this.shown.getOrDefault(sessionKey, new Shown(null, null, null, -1));
        if (Objects.equals(before.state, state) && Objects.equals(before.toolName, toolName)
                && Objects.equals(before.since, since)) {
            return new Observation.Unchanged();
        }
        Transition match = (state == null || since == null) ? null
                : ActivityLedger.find(ledger, before.index, state, toolName, since);
        if (match == null) {
            this.shown.put(sessionKey, new Shown(state, toolName, since, before.index));
            return new Observation.Unmatched();
        }
        this.shown.put(sessionKey, new Shown(state, toolName, since, match.index()));
        return new Observation.Seen(match, List.copyOf(ledger.subList(before.index + 1, match.index())));
    }

    /** The session's transitions this client has not shown (nor skipped) yet: after a drain, the lost ones. */
    public List<Transition> unseen(String sessionKey, List<Transition> ledger) {
        int index = this.shown.getOrDefault(sessionKey, new Shown(null, null, null, -1)).index;
        return List.copyOf(ledger.subList(Math.min(index + 1, ledger.size()), ledger.size()));
    }

    /** What a newly shown activity was. */
    public sealed interface Observation {

        /** The same activity as before: a change of the row only. */
        record Unchanged() implements Observation {
        }

        /** Not a transition the harness emitted (e.g. an error that expired into idle on the projector's timer). */
        record Unmatched() implements Observation {
        }

        /** A ledger transition; {@code skipped} are those emitted between the previously shown one and it. */
        record Seen(Transition transition, List<Transition> skipped) implements Observation {
        }
    }

    private record Shown(String state, String toolName, Long since, int index) {
    }
}

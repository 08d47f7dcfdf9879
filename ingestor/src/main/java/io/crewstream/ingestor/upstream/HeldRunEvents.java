package io.crewstream.ingestor.upstream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.crewstream.schemas.records.RunEventKind;

/**
 * Run events that arrived while a snapshot was being listed, and where each goes around it. A reader closes a run
 * whose session a snapshot shows without an active run; the snapshot may have been listed before or after any of
 * these events, so:
 * <ul>
 * <li>a run whose end arrived meanwhile goes <em>before</em> the snapshot, all its held events in order: published
 * after it, a snapshot listed after the end would close the run as interrupted before its real end is read;</li>
 * <li>every other run goes <em>after</em> it: published before, a snapshot listed before the run started would close
 * it at once.</li>
 * </ul>
 * Each run's events keep their order either way. Not thread-safe: owned by one supervisor thread.
 */
final class HeldRunEvents {

    private final List<RunActivity.Publish> held = new ArrayList<>();

    void hold(RunActivity.Publish event) {
        this.held.add(event);
    }

    boolean isEmpty() {
        return this.held.isEmpty();
    }

    /** Takes everything held, split around the snapshot about to be published. */
    Split split() {
        Set<String> ended = new HashSet<>();
        for (RunActivity.Publish event : this.held) {
            if (event.event().kind() == RunEventKind.RUN_ENDED) {
                ended.add(event.event().runId());
            }
        }
        List<RunActivity.Publish> before = new ArrayList<>();
        List<RunActivity.Publish> after = new ArrayList<>();
        for (RunActivity.Publish event : this.held) {
            (ended.contains(event.event().runId()) ? before : after).add(event);
        }
        this.held.clear();
        return new Split(before, after);
    }

    /** Takes everything held, in arrival order: there will be no snapshot to order them around. */
    List<RunActivity.Publish> drain() {
        List<RunActivity.Publish> all = List.copyOf(this.held);
        this.held.clear();
        return all;
    }

    record Split(List<RunActivity.Publish> beforeSnapshot, List<RunActivity.Publish> afterSnapshot) {
    }
}

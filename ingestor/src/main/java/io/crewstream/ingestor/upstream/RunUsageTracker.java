package io.crewstream.ingestor.upstream;

import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunEventKind;
import io.crewstream.schemas.records.RunUsage;

/**
 * The latest token usage of each run of one connection, until the run ends. The gateway reports usage on its own
 * {@code usage} stream, before the run's end and not on it; so the first {@code run-ended} of a run that carries no
 * usage gets the latest one reported, and the run is forgotten at that first end (a later end of the same run, the
 * chat terminal after the lifecycle end, gets none: a reader takes the first). A usage the end already carries (an
 * older gateway's chat {@code final}) wins.
 *
 * <p>Bounded: a run whose end never arrives (the gateway restarted, its end was lost) must not be kept forever, so at
 * most {@code maxRuns} runs are kept and the one reported least recently is dropped first. A new connection starts
 * with a new tracker: a run cut off with the old socket does not end on the new one.
 *
 * <p>Not thread-safe: owned by one supervisor thread, like {@link HeldRunEvents}.
 */
final class RunUsageTracker {

    /** Far more runs than one gateway has in flight at once. */
    static final int DEFAULT_MAX_RUNS = 1_000;

    private final int maxRuns;

    // Insertion order, and a run reported again is re-inserted: the eldest entry is the run reported least recently.
    private final Map<String, RunUsage> latest = new LinkedHashMap<>();

    RunUsageTracker() {
        this(DEFAULT_MAX_RUNS);
    }

    RunUsageTracker(int maxRuns) {
        if (maxRuns < 1) {
            throw new IllegalArgumentException("maxRuns must be >= 1 but was " + maxRuns);
        }
        this.maxRuns = maxRuns;
    }

    /** Replaces what {@code usage.runId()} reported before: the gateway reports a running total. */
    void report(RunActivity.Usage usage) {
        this.latest.remove(usage.runId());
        this.latest.put(usage.runId(), usage.usage());
        if (this.latest.size() > this.maxRuns) {
            this.latest.remove(this.latest.keySet().iterator().next());
        }
    }

    /** {@code step} as it is to be published: a run's end with its usage filled in; every other step unchanged. */
    RunActivity.Publish attach(RunActivity.Publish step) {
        RunEvent event = step.event();
        if (event.kind() != RunEventKind.RUN_ENDED) {
            return step;
        }
        RunUsage usage = this.latest.remove(event.runId());
        if (usage == null || event.usage() != null) {
            return step;
        }
        return new RunActivity.Publish(RunActivity.with(event, usage, event.summary()), step.eventId());
    }

    /** How many runs' usage is kept. */
    int size() {
        return this.latest.size();
    }
}

package io.crewstream.sim.run;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import tools.jackson.databind.node.ObjectNode;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.crewstream.sim.run.RunFrames.RunIdentity;
import io.crewstream.sim.session.SessionStore;

/**
 * Agent runs on the simulator's sessions: started and driven by hand ({@link #start}) or played from a
 * {@link RunScript} ({@link #play}). Each step sends {@code agent} / {@code chat} events and moves the session row
 * ({@code status}, {@code hasActiveRun}, {@code activeRunIds}, {@code lastRunId}, {@code lastRunError}, tokens) with
 * the run-lifecycle variants of {@code sessions.changed}.
 *
 * <p>Threading: thread-safe. All runs share one lock, so frames of one run leave in {@code seq} order and row changes
 * stay in step with the events. Scripts run on the simulator's scheduler thread; their futures complete there.
 */
public final class Runs {

    private static final Logger log = LoggerFactory.getLogger(Runs.class);

    private final SessionStore store;
    private final RunEventSink sink;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Object lock = new Object();
    private final Map<String, SimulatedRun> open = new LinkedHashMap<>(); // guarded by lock

    public Runs(SessionStore store, RunEventSink sink, ScheduledExecutorService scheduler, Clock clock) {
        this.store = store;
        this.sink = sink;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /**
     * Starts a run on an existing session: {@code lifecycle start}, row {@code running}.
     *
     * @throws IllegalArgumentException when the session does not exist
     */
    public RunHandle start(String sessionKey) {
        synchronized (lock) {
            ObjectNode row = store.get(sessionKey).orElseThrow(
                    () -> new IllegalArgumentException("no session " + sessionKey));
            String runId = SimulatedRun.newRunId();
            RunIdentity identity = new RunIdentity(runId, sessionKey, row.path("agentId").asString(null),
                    row.path("sessionId").asString(null));
            SimulatedRun run = new SimulatedRun(lock, identity, store, sink, clock, () -> open.remove(runId));
            open.put(runId, run);
            run.begin();
            return run;
        }
    }

    /**
     * Starts a run now and plays {@code script} on the simulator's scheduler.
     *
     * @return completes with the outcome when the script ended, or with {@link RunOutcome.CutOff} on a restart
     * @throws IllegalArgumentException when the session does not exist
     */
    public CompletableFuture<RunOutcome> play(String sessionKey, RunScript script) {
        return play(start(sessionKey), script);
    }

    /**
     * Plays {@code script} on a run started with {@link #start} (to know its id before the script ends). The run must
     * not be driven by hand at the same time.
     */
    public CompletableFuture<RunOutcome> play(RunHandle run, RunScript script) {
        new ScriptPlayer(run, script).next(0);
        return run.outcome();
    }

    /** Ids of the runs that have not ended. */
    public List<String> openRunIds() {
        synchronized (lock) {
            return List.copyOf(open.keySet());
        }
    }

    /**
     * Ends every open run without sending anything, as the gateway process dying does; rows show no active run.
     * Pending script steps find their run ended and stop.
     */
    public void cutOffAll() {
        synchronized (lock) {
            List<SimulatedRun> runs = new ArrayList<>(open.values());
            runs.forEach(SimulatedRun::cutOff);
            if (!runs.isEmpty()) {
                log.info("{} open run(s) cut off", runs.size());
            }
        }
    }

    /** Plays one script step after the other; each step is scheduled when the previous one's duration is over. */
    private final class ScriptPlayer {

        private final RunHandle run;
        private final RunScript script;

        ScriptPlayer(RunHandle run, RunScript script) {
            this.run = run;
            this.script = script;
        }

        void next(int index) {
            scheduler.execute(() -> step(index));
        }

        private void step(int index) {
            try {
                if (!run.isOpen()) {
                    return; // cut off by a restart
                }
                if (index == script.steps().size()) {
                    terminate();
                    return;
                }
                RunScript.Step step = script.steps().get(index);
                if (step instanceof RunScript.Step.Say say) {
                    run.assistantText(say.text());
                    later(step.duration(), () -> step(index + 1));
                } else if (step instanceof RunScript.Step.Tool tool) {
                    String callId = run.toolStart(tool.name());
                    later(step.duration(), () -> {
                        if (run.isOpen()) {
                            run.toolEnd(callId, tool.isError());
                            step(index + 1);
                        }
                    });
                } else {
                    later(step.duration(), () -> step(index + 1));
                }
            } catch (RuntimeException ex) {
                // A step racing a restart finds the run ended; anything else is a bug worth a log line.
                if (run.isOpen()) {
                    log.warn("run {} script step {} failed: {}", run.runId(), index, ex.toString());
                    run.fail(ErrorKind.UNKNOWN, "simulator script failed: " + ex.getMessage());
                }
            }
        }

        private void terminate() {
            RunScript.Terminal terminal = script.terminal();
            if (terminal instanceof RunScript.Terminal.Finish finish) {
                run.finish(finish.usage());
            } else if (terminal instanceof RunScript.Terminal.Fail fail) {
                run.fail(fail.kind(), fail.message());
            } else {
                run.abort();
            }
        }

        private void later(Duration delay, Runnable action) {
            scheduler.schedule(() -> {
                try {
                    action.run();
                } catch (RuntimeException ex) {
                    log.warn("run {} script step failed: {}", run.runId(), ex.toString());
                }
            }, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}

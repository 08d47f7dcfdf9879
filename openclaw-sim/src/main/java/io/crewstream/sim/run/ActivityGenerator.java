package io.crewstream.sim.run;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.session.SessionStore;

/**
 * Starts random runs ({@link RandomRunScripts}) on random existing sessions at {@link ActivityPlan#runsPerMinute()}.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} may be called from any thread (they serialize on this object).
 * Runs are started on one own thread ("openclaw-sim-activity"); their scripts then play on the simulator's scheduler.
 */
public final class ActivityGenerator {

    private static final Logger log = LoggerFactory.getLogger(ActivityGenerator.class);

    private final Runs runs;
    private final SessionStore store;
    private final ActivityPlan plan;
    private final AtomicLong started = new AtomicLong();
    private ScheduledExecutorService executor; // guarded by this
    private Random random; // confined to the activity thread after start
    private RandomRunScripts scripts; // confined to the activity thread after start

    public ActivityGenerator(Runs runs, SessionStore store, ActivityPlan plan) {
        this.runs = runs;
        this.store = store;
        this.plan = plan;
    }

    public synchronized void start() {
        if (executor != null) {
            throw new IllegalStateException("activity already running");
        }
        if (!plan.enabled()) {
            return;
        }
        random = new Random(plan.seed());
        scripts = new RandomRunScripts(random);
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openclaw-sim-activity");
            thread.setDaemon(true);
            return thread;
        });
        long periodMicros = Math.max(1, Math.round(60_000_000 / plan.runsPerMinute()));
        executor.scheduleAtFixedRate(this::safeStartOne, periodMicros, periodMicros, TimeUnit.MICROSECONDS);
        log.info("activity: {} runs/min, seed {}", plan.runsPerMinute(), plan.seed());
    }

    /** No run is started after this returns; runs already started play on. */
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("activity thread did not stop within 5 s");
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    public long runsStarted() {
        return started.get();
    }

    public ObjectNode status() {
        return Json.object().put("runsPerMinute", plan.runsPerMinute()).put("runsStarted", started.get())
                .put("openRuns", runs.openRunIds().size());
    }

    private void safeStartOne() {
        try {
            List<String> keys = new ArrayList<>(store.keys());
            if (keys.isEmpty()) {
                return;
            }
            Collections.sort(keys); // a seed must pick the same sessions every time
            String key = keys.get(random.nextInt(keys.size()));
            runs.play(key, scripts.next());
            started.incrementAndGet();
        } catch (RuntimeException ex) {
            // The session may have been deleted between listing and starting; the schedule must go on.
            log.debug("activity: run not started: {}", ex.toString());
        }
    }
}

package io.crewstream.sim.control;

import java.util.ArrayList;
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
import io.crewstream.sim.session.Agent;
import io.crewstream.sim.session.SessionKeys;
import io.crewstream.sim.session.SessionStore;

/**
 * Keeps {@link ChurnPlan#sessions()} sessions busy: mostly patches (a run moving on, ~2 KB rows), and now and then
 * a delete plus a fresh create, so subscribers see every kind of {@code sessions.changed}.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} may be called from any thread (they serialize on this object).
 * Changes are applied on one own thread ("openclaw-sim-churn") every 10 ms, in batches that add up to the planned
 * rate; the {@link SessionStore} is thread-safe.
 */
public final class ChurnGenerator {

    private static final Logger log = LoggerFactory.getLogger(ChurnGenerator.class);
    private static final long PERIOD_MS = 10;
    /** One change in this many replaces a session (delete + create) instead of patching it. */
    private static final int REPLACE_EVERY = 50;

    private final SessionStore store;
    private final ChurnPlan plan;
    private final long seed;
    private final AtomicLong changes = new AtomicLong();
    private ScheduledExecutorService executor; // guarded by this
    private List<String> keys; // confined to the churn thread after start
    private Random random; // confined to the churn thread after start
    private ChurnRows rows; // confined to the churn thread after start
    private double budget; // confined to the churn thread
    private long generation; // confined to the churn thread

    private final boolean runsOwnRunFields;

    public ChurnGenerator(SessionStore store, ChurnPlan plan, long seed) {
        this(store, plan, seed, false);
    }

    /**
     * @param runsOwnRunFields whether simulated runs ({@code Runs}, the activity generator) drive the sessions' run
     *     fields ({@code status}, {@code hasActiveRun}, …), so that the churn leaves them alone
     */
    public ChurnGenerator(SessionStore store, ChurnPlan plan, long seed, boolean runsOwnRunFields) {
        this.store = store;
        this.plan = plan;
        this.seed = seed;
        this.runsOwnRunFields = runsOwnRunFields;
    }

    /** Creates the planned sessions (on the calling thread) and starts changing them. */
    public synchronized void start() {
        if (executor != null) {
            throw new IllegalStateException("churn already running");
        }
        random = new Random(seed);
        rows = new ChurnRows(random, runsOwnRunFields);
        keys = new ArrayList<>(plan.sessions());
        List<Agent> agents = store.agents().agents();
        long now = System.currentTimeMillis();
        for (int i = 0; i < plan.sessions(); i++) {
            Agent agent = agents.get(i % agents.size());
            String key = SessionKeys.of(agent.id(), "churn-" + i);
            ObjectNode fields = rows.nextChange(key, agent.id(), now).put("label", "churn " + i);
            store.create(key, fields);
            keys.add(key);
        }
        executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "openclaw-sim-churn");
            thread.setDaemon(true);
            return thread;
        });
        if (plan.changesPerSecond() > 0) {
            executor.scheduleAtFixedRate(this::safeTick, PERIOD_MS, PERIOD_MS, TimeUnit.MILLISECONDS);
        }
        log.info("churn: {} sessions over {} agents, {} changes/s", plan.sessions(), agents.size(),
                plan.changesPerSecond());
    }

    /** Stops changing sessions; no change is applied after this returns. */
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdown();
            try {
                if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("churn thread did not stop within 5 s");
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    /** Changes applied since start (excluding the initial creates). */
    public long changesApplied() {
        return changes.get();
    }

    private void safeTick() {
        try {
            tick();
        } catch (RuntimeException ex) {
            // A failed batch must not cancel the schedule (scheduleAtFixedRate stops on the first exception).
            log.warn("churn batch failed: {}", ex.toString());
        }
    }

    private void tick() {
        budget += plan.changesPerSecond() * PERIOD_MS / 1000.0;
        long now = System.currentTimeMillis();
        while (budget >= 1) {
            budget -= 1;
            int index = random.nextInt(keys.size());
            String key = keys.get(index);
            String agentId = SessionKeys.agentIdOf(key).orElseThrow();
            if (random.nextInt(REPLACE_EVERY) == 0) {
                String replacement = SessionKeys.of(agentId, "churn-" + index + "-g" + (++generation));
                store.replace(key, replacement,
                        rows.nextChange(replacement, agentId, now).put("label", "churn " + index));
                keys.set(index, replacement);
            } else {
                store.patch(key, rows.nextChange(key, agentId, now), null);
            }
            changes.incrementAndGet();
        }
    }

    /** For the control port's status page. */
    public ObjectNode status() {
        return Json.object().put("sessions", plan.sessions()).put("changesPerSecond", plan.changesPerSecond())
                .put("changesApplied", changes.get());
    }
}

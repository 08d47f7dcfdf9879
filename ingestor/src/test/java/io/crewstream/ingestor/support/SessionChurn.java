package io.crewstream.ingestor.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.crewstream.sim.server.OpenClawSimulator;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps simulated gateways' sessions changing, as live agents do: every period one change to each gateway in turn,
 * mostly a new label on an existing session, sometimes a new session or one removed (never fewer than a handful).
 * Every label carries a number that only grows, so that a reader holding an older row is told apart from one that
 * is up to date.
 *
 * <p>Threading: the changes are made on its own scheduler thread; {@link #start} and {@link #close} are called by
 * the test's thread, {@link #changes()} from any.
 */
public final class SessionChurn implements AutoCloseable {

    private static final int MIN_SESSIONS = 4;

    private final List<OpenClawSimulator> gateways;
    private final Duration period;
    private final Random random = new Random(17);
    private final AtomicLong changes = new AtomicLong();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "session-churn");
        thread.setDaemon(true);
        return thread;
    });

    public SessionChurn(List<OpenClawSimulator> gateways, Duration period) {
        this.gateways = List.copyOf(gateways);
        this.period = period;
    }

    /** Seeds {@code count} sessions on each gateway (before the ingestors start, or while they run). */
    public void seed(int count) {
        for (OpenClawSimulator gateway : this.gateways) {
            for (int i = 0; i < count; i++) {
                gateway.sessions().create(key(i), label("seed-" + i));
            }
        }
    }

    public void start() {
        this.scheduler.scheduleAtFixedRate(this::changeOne, 0, this.period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** How many changes were made so far. */
    public long changes() {
        return this.changes.get();
    }

    /** Stops changing; once this returns, the gateways' sessions stay as they are. */
    @Override
    public void close() throws InterruptedException {
        this.scheduler.shutdown();
        if (!this.scheduler.awaitTermination(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the churn did not stop");
        }
    }

    /** The gateway's sessions as it would list them now: session key → label. */
    public static Map<String, String> labels(OpenClawSimulator gateway) {
        Map<String, String> labels = new TreeMap<>();
        for (String key : gateway.sessions().keys()) {
            gateway.sessions().get(key).ifPresent(row -> labels.put(key, row.path("label").asString(null)));
        }
        return labels;
    }

    private void changeOne() {
        long n = this.changes.incrementAndGet();
        OpenClawSimulator gateway = this.gateways.get((int) (n % this.gateways.size()));
        List<String> keys = new ArrayList<>(gateway.sessions().keys());
        int dice = this.random.nextInt(10);
        if (dice == 0 || keys.isEmpty()) {
            gateway.sessions().create(key(1000 + (int) n), label("created-" + n));
        }
        else if (dice == 1 && keys.size() > MIN_SESSIONS) {
            gateway.sessions().delete(keys.get(this.random.nextInt(keys.size())));
        }
        else {
            gateway.sessions().patch(keys.get(this.random.nextInt(keys.size())), label("change-" + n), null);
        }
    }

    private static String key(int i) {
        return "agent:main:s" + i;
    }

    private static ObjectNode label(String label) {
        return JsonMapper.shared().createObjectNode().put("label", label);
    }
}

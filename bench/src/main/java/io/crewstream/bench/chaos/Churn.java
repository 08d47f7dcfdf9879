package io.crewstream.bench.chaos;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import io.crewstream.bench.load.Pacer;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.sim.session.SessionStore;
import tools.jackson.databind.node.ObjectNode;

/**
 * Changes the simulator's sessions at a steady rate, as agents at work would: of each 20 changes, 14 update a live
 * session, 3 create a new one and 3 delete one (never below half the seeded count). Every row written carries
 * {@link #REVISION_FIELD}, a number that grows with every change the harness makes, so that a view can be compared
 * with the truth row by row; keys are never reused, so a deleted key that shows up again is a resurrection.
 *
 * <p>Threading: {@link #seed}, {@link #start}, {@link #stop} and {@link #truth} from one thread (the scenario's);
 * the churn runs on its own thread between start and stop and owns the live-key list then.
 */
public final class Churn {

    /** The row field stamped with the harness's revision on every change. */
    public static final String REVISION_FIELD = "chaosRevision";

    private final SessionStore sessions;

    private final double perSecond;

    private final int rowBytes;

    private final Random random;

    private final AtomicLong revision = new AtomicLong();

    private final AtomicLong changes = new AtomicLong();

    private final List<String> live = new ArrayList<>();

    private int nextKey;

    private int floor;

    private volatile boolean going;

    private Thread thread;

    public Churn(SessionStore sessions, double perSecond, int rowBytes, long seed) {
        this.sessions = sessions;
        this.perSecond = perSecond;
        this.rowBytes = rowBytes;
        this.random = new Random(seed);
    }

    /** Creates {@code count} sessions. */
    public void seed(int count) {
        for (int i = 0; i < count; i++) {
            create();
        }
        this.floor = count / 2;
    }

    /** Starts changing sessions on a thread of its own. */
    public void start() {
        this.going = true;
        this.thread = new Thread(() -> Pacer.run(this.perSecond, () -> this.going, step -> step()), "chaos-churn");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Stops and waits until the last change is made: the truth holds still from here. */
    public void stop() throws InterruptedException {
        this.going = false;
        if (this.thread != null) {
            this.thread.join();
            this.thread = null;
        }
    }

    /** Changes made since the start (seeding included). */
    public long changes() {
        return this.changes.get();
    }

    /** The simulator's sessions now, key to revision; read while the churn is stopped. */
    public Map<String, Long> truth() {
        Map<String, Long> truth = new HashMap<>();
        for (String key : this.sessions.keys()) {
            this.sessions.get(key).ifPresent(row -> truth.put(key, row.path(REVISION_FIELD).asLong(-1)));
        }
        return truth;
    }

    private void step() {
        int dice = this.random.nextInt(20);
        if (dice < 3 || this.live.isEmpty()) {
            create();
        }
        else if (dice < 6 && this.live.size() > this.floor) {
            String key = this.live.remove(this.random.nextInt(this.live.size()));
            this.sessions.delete(key);
            this.changes.incrementAndGet();
        }
        else {
            String key = this.live.get(this.random.nextInt(this.live.size()));
            ObjectNode fields = ContractJson.mapper().createObjectNode();
            fields.put(REVISION_FIELD, this.revision.incrementAndGet());
            fields.put("status", this.random.nextBoolean() ? "running" : "done");
            fields.put("totalTokens", this.random.nextInt(1_000_000));
            this.sessions.patch(key, fields, null);
            this.changes.incrementAndGet();
        }
    }

    private void create() {
        String key = "agent:main:chaos-" + this.nextKey++;
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put("label", "chaos " + key);
        fields.put("status", "running");
        fields.put(REVISION_FIELD, this.revision.incrementAndGet());
        fields.put("lastMessagePreview", "x".repeat(Math.max(0, this.rowBytes - 600)));
        this.sessions.create(key, fields);
        this.live.add(key);
        this.changes.incrementAndGet();
    }
}

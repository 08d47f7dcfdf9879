package io.crewstream.bench.scenario;

import java.util.ArrayList;
import java.util.List;

import io.crewstream.bench.load.BenchRows;

/**
 * Session churn upstream at a steady mix: of every ten steps one creates a new session, one deletes the oldest live
 * one and eight update live sessions round robin, so the number of sessions stays where the seed put it while keys
 * come and go for the whole run. Every create and update is stamped. Not thread-safe: one driver thread.
 */
final class SessionChurn {

    private final Pipeline pipeline;

    private final int rowBytes;

    private final List<String> live = new ArrayList<>();

    private int nextIndex;

    private long creates;

    private long updates;

    private long deletes;

    /** @param seeded sessions {@code 0..seeded-1}, as {@link Pipeline#seed} created them */
    SessionChurn(Pipeline pipeline, int seeded, int rowBytes) {
        this.pipeline = pipeline;
        this.rowBytes = rowBytes;
        for (int i = 0; i < seeded; i++) {
            this.live.add(BenchRows.key(i));
        }
        this.nextIndex = seeded;
    }

    void step(long index) {
        int slot = (int) (index % 10);
        if (slot == 0) {
            String key = BenchRows.key(this.nextIndex++);
            this.pipeline.createStamped(key, this.rowBytes);
            this.live.add(key);
            this.creates++;
        }
        else if (slot == 5 && this.live.size() > 1) {
            this.pipeline.delete(this.live.remove(0));
            this.deletes++;
        }
        else {
            this.pipeline.change(this.live.get((int) (index % this.live.size())), index);
            this.updates++;
        }
    }

    long creates() {
        return this.creates;
    }

    long updates() {
        return this.updates;
    }

    long deletes() {
        return this.deletes;
    }
}

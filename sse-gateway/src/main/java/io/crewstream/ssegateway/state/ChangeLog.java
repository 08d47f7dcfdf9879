package io.crewstream.ssegateway.state;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The most recent changes, oldest first, bounded. For every partition it knows the offset from which it still holds
 * every change (the horizon): a resume token at or after the horizon can be answered exactly, an older one cannot.
 *
 * <p>Not thread-safe: owned by {@link SessionTable}, which guards it with its lock.
 */
final class ChangeLog {

    private final int capacity;

    private final ArrayDeque<TableChange> changes;

    private long[][] horizon = new long[TableTopic.values().length][0];

    ChangeLog(int capacity) {
        this.capacity = capacity;
        this.changes = new ArrayDeque<>(Math.min(capacity, 1024));
    }

    /** Starts over: changes are answered exactly from {@code start} on. */
    void reset(Position start) {
        this.changes.clear();
        for (TableTopic topic : TableTopic.values()) {
            this.horizon[topic.ordinal()] = new long[start.partitions(topic)];
            for (int partition = 0; partition < start.partitions(topic); partition++) {
                this.horizon[topic.ordinal()][partition] = start.offset(topic, partition);
            }
        }
    }

    void add(TableChange change) {
        if (this.changes.size() == this.capacity) {
            TableChange evicted = this.changes.removeFirst();
            long[] partitions = this.horizon[evicted.topic().ordinal()];
            partitions[evicted.partition()] = Math.max(partitions[evicted.partition()], evicted.offset() + 1);
        }
        this.changes.addLast(change);
    }

    /**
     * Every change after {@code token}, in table order; empty when the token is older than the horizon or not
     * behind {@code current} (another instance may be ahead of this one; a refresh is then the safe answer).
     */
    Optional<List<TableChange>> since(Position token, Position current) {
        if (!token.sameShapeAs(current)) {
            return Optional.empty();
        }
        for (TableTopic topic : TableTopic.values()) {
            for (int partition = 0; partition < current.partitions(topic); partition++) {
                long offset = token.offset(topic, partition);
                if (offset < this.horizon[topic.ordinal()][partition] || offset > current.offset(topic, partition)) {
                    return Optional.empty();
                }
            }
        }
        List<TableChange> since = new ArrayList<>();
        for (TableChange change : this.changes) {
            if (change.offset() >= token.offset(change.topic(), change.partition())) {
                since.add(change);
            }
        }
        return Optional.of(since);
    }

    int size() {
        return this.changes.size();
    }
}

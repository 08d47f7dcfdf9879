package io.crewstream.ingestor.ownership;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;

/**
 * Which partition of the ownership topic stands for which gateway: partition {@code i} for the {@code i}-th enabled
 * connection id in sorted order, so that every instance with the same configuration agrees without talking. A
 * partition beyond the last gateway (the topic was made larger, or a gateway was removed) stands for nothing.
 *
 * <p>Immutable; pure.
 */
public final class GatewayPartitions {

    private final List<String> connectionIds;

    /** @param connectionIds the enabled connections' ids, in any order, each once */
    public GatewayPartitions(Collection<String> connectionIds) {
        TreeSet<String> sorted = new TreeSet<>(connectionIds);
        if (sorted.size() != connectionIds.size()) {
            throw new IllegalArgumentException("connection ids must be distinct: " + connectionIds);
        }
        this.connectionIds = List.copyOf(sorted);
    }

    /** How many partitions the topic needs at least: one per gateway. */
    public int count() {
        return this.connectionIds.size();
    }

    /** The gateway a partition stands for; empty for a partition beyond the gateways. */
    public Optional<String> connectionId(int partition) {
        return partition >= 0 && partition < this.connectionIds.size()
                ? Optional.of(this.connectionIds.get(partition)) : Optional.empty();
    }

    /** The partition standing for a gateway. */
    public int partition(String connectionId) {
        int index = this.connectionIds.indexOf(connectionId);
        if (index < 0) {
            throw new IllegalArgumentException("no enabled gateway '" + connectionId + "'");
        }
        return index;
    }

    /** The gateways the partitions stand for, in partition order; partitions standing for nothing are left out. */
    public List<String> connectionIds(Collection<Integer> partitions) {
        List<String> ids = new ArrayList<>();
        new TreeSet<>(partitions).forEach(partition -> connectionId(partition).ifPresent(ids::add));
        return ids;
    }

    /** Every gateway, in partition order. */
    public List<String> all() {
        return this.connectionIds;
    }
}

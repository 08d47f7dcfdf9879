package io.crewstream.ingestor.ownership;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.crewstream.ingestor.publish.GatewayWriters;

/**
 * TEMPORARY (issue #17 merge): {@link GatewayWriters} without fencing, until the fenced-publishing branch's
 * {@code RecordSender} implements it; it only records which gateways are open, and the one shared producer writes
 * for all. Replaced by the {@code RecordSender} bean at merge; nothing else refers to this class.
 *
 * <p>Threading: any thread.
 */
public final class UnfencedGatewayWriters implements GatewayWriters {

    private final Set<String> open = ConcurrentHashMap.newKeySet();

    @Override
    public void open(String connectionId, Duration timeout) {
        this.open.add(connectionId);
    }

    @Override
    public void close(String connectionId, Duration timeout) {
        this.open.remove(connectionId);
    }

    @Override
    public boolean isOpen(String connectionId) {
        return this.open.contains(connectionId);
    }

    @Override
    public void onWriterLost(WriterLostListener listener) {
        // Never fenced, never lost.
    }
}

package io.crewstream.projector.topology;

import io.crewstream.schemas.records.ConnectionStatusEvent;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Publishes a connection-state row for every status event, keeping the session count and last snapshot time that
 * {@link SessionEventProjector} maintains. A connection going down changes its row only: its sessions stay in the
 * table, and the row's state tells readers they may be stale. Runs on a stream thread; one instance per task.
 */
final class ConnectionStatusProjector implements Processor<String, ConnectionStatusEvent, String, Object> {

    private ProcessorContext<String, Object> context;
    private ConnectionTable connections;

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.connections = new ConnectionTable(context.getStateStore(ProjectorTopology.CONNECTIONS_STORE));
    }

    @Override
    public void process(Record<String, ConnectionStatusEvent> record) {
        this.connections.statusChanged(record.value())
                .ifPresent(row -> this.context.forward(record.withKey(row.connectionId()).withValue(row),
                        ProjectorTopology.CONNECTION_STATE_SINK));
    }
}

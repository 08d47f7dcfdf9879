package io.crewstream.projector.topology;

import java.time.Instant;

import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Publishes a connection-state row for every status event, keeping the session count and last snapshot time that
 * {@link SessionEventProjector} maintains. A connection going down changes its row only: its sessions stay in the
 * table, and the row's state tells readers they may be stale. A status too large to write (a megabyte of reason)
 * goes to the dead letters and changes nothing. A status that says the link is down ({@link UpstreamState#linkDown()};
 * not {@code connecting}, which the ingestor also reports while the link is healthy) is forwarded to the activity
 * projector ({@link TableSignal.ConnectionLost}), which ends the connection's runs in progress. A status from
 * another ingestor instance than the last one is counted as a handover or failover ({@link OwnerChanges}). Runs on a stream
 * thread; one instance per task.
 */
final class ConnectionStatusProjector implements Processor<String, ConnectionStatusEvent, String, Object> {

    private final String consumerName;
    private final RecordSizeLimit limit;
    private final OwnerChanges ownerChanges;

    private ProcessorContext<String, Object> context;
    private ConnectionTable connections;
    private DeadLetterWriter deadLetters;
    private OutputEvents events;

    ConnectionStatusProjector(String consumerName, RecordSizeLimit limit, OwnerChanges ownerChanges) {
        this.consumerName = consumerName;
        this.limit = limit;
        this.ownerChanges = ownerChanges;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.connections = new ConnectionTable(context.getStateStore(ProjectorTopology.CONNECTIONS_STORE),
                this.limit);
        this.deadLetters = new DeadLetterWriter(context, ProjectorTopology.PROJECT_CONNECTION_STATUS,
                this.consumerName, ProjectorTopology.DEAD_LETTER_SINK);
        this.events = new OutputEvents(context);
    }

    @Override
    public void process(Record<String, ConnectionStatusEvent> record) {
        ConnectionStatusEvent previous = this.connections.lastStatus(record.value().connectionId());
        OwnerChange.between(previous, record.value()).ifPresent(this.ownerChanges::record);
        try {
            // A new record: the input's headers are not the output's, and would count against its size; it carries
            // its own CloudEvents headers.
            this.connections.statusChanged(record.value())
                    .ifPresent(row -> this.context.forward(new Record<>(row.connectionId(), (Object) row,
                            record.timestamp(), this.events.next('c', CloudEventType.CONNECTION_STATE,
                                    row.connectionId(), Instant.ofEpochMilli(row.observedAt()), null)),
                            ProjectorTopology.CONNECTION_STATE_SINK));
        }
        catch (OversizedOutputException ex) {
            this.deadLetters.send(record, ex.getClass().getName(), ex.getMessage(),
                    ContractSerdes.connectionStatus().serialize(null, record.value()));
        }
        ConnectionStatusEvent status = record.value();
        if (status.state().linkDown()) {
            // Whether or not its row fitted: the connection is gone, and no run of it can report its end now.
            this.context.forward(new Record<>(status.connectionId(),
                    (Object) new TableSignal.ConnectionLost(status.connectionId(), status.observedAt()),
                    record.timestamp()), ProjectorTopology.PROJECT_ACTIVITY);
        }
    }
}

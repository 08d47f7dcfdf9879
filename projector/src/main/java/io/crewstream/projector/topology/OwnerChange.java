package io.crewstream.projector.topology;

import java.util.Optional;

import io.crewstream.schemas.records.ConnectionReasonCode;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.UpstreamState;

/**
 * Another ingestor instance took a gateway's link over, as two consecutive statuses of the connection show
 * ({@link ConnectionStatusEvent#owner()}). A handover is planned: the previous owner's last word was that it handed the
 * gateway over (a rebalance) or stopped. A failover is not: the previous owner's last status was any other, because
 * it died, froze or was cut off from Kafka and its session ran out.
 *
 * @param from the previous owner
 * @param to the new owner
 */
record OwnerChange(String connectionId, String from, String to, Kind kind) {

    enum Kind {
        HANDOVER, FAILOVER;

        /** The metric tag. */
        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * The change of owner between a connection's previous status and its next, if there is one: both name an owner
     * (statuses of older ingestors name none, and say nothing about ownership) and the owners differ.
     */
    static Optional<OwnerChange> between(ConnectionStatusEvent previous, ConnectionStatusEvent next) {
        if (previous == null || previous.owner() == null || next.owner() == null
                || previous.owner().equals(next.owner())) {
            return Optional.empty();
        }
        boolean planned = ConnectionReasonCode.HANDED_OVER.wireName().equals(previous.reasonCode())
                || (previous.state() == UpstreamState.DISCONNECTED
                        && ConnectionReasonCode.STOPPED.wireName().equals(previous.reasonCode()));
        return Optional.of(new OwnerChange(next.connectionId(), previous.owner(), next.owner(),
                planned ? Kind.HANDOVER : Kind.FAILOVER));
    }
}

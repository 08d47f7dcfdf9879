package io.crewstream.projector.topology;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.crewstream.schemas.records.SessionsVerified;

/**
 * The projector's verification rule, apart from Kafka: when a {@link SessionsVerified} marker can be compared with
 * the session table. The table of a connection matches a marker only right after it has applied the session-events
 * record at the marker's {@code sessionEventsOffset} and none of the connection's after it; the two topics are read
 * in whatever order Kafka Streams picks, so this keeps, per connection, the offset of the last session-events record
 * applied and the marker waiting for its record (only the latest one):
 *
 * <ul>
 * <li>a marker whose offset is the last one applied is checked at once;</li>
 * <li>a marker ahead of the table is parked, and checked right after the record at its offset is applied (a newer
 * marker parked for the same connection replaces it, which skips it as moved on);</li>
 * <li>a marker behind the table (later records applied already) is skipped: moved on;</li>
 * <li>a marker of a connection of which nothing was applied since this task started is skipped: unknown position.</li>
 * </ul>
 *
 * <p>In memory by design, with no store and so no changelog: after a restart or a rebalance the position of each
 * connection is unknown until its next session-events record, and a marker until then is skipped, which costs one
 * reconciliation's check and nothing else.
 *
 * <p>Used from one stream thread (one instance per task).
 */
final class VerificationPositions {

    /** What to do with a marker. */
    sealed interface Step {

        SessionsVerified marker();

        /** The table stands exactly where the marker holds: compare now. */
        record Check(SessionsVerified marker) implements Step {
        }

        /** The table has not reached the marker's offset yet: it waits. */
        record Park(SessionsVerified marker) implements Step {
        }

        /** The marker cannot be compared with the table. */
        record Skip(SessionsVerified marker, SkipReason reason) implements Step {
        }
    }

    /** Why a marker was skipped; {@link #tag()} names it in metrics and logs. */
    enum SkipReason {

        /** The table has applied later records of the connection, or a newer marker took its place. */
        MOVED_ON("moved-on"),

        /** Nothing of the connection was applied since this task started: where the table stands is unknown. */
        UNKNOWN_POSITION("unknown-position");

        private final String tag;

        SkipReason(String tag) {
            this.tag = tag;
        }

        String tag() {
            return this.tag;
        }
    }

    private final Map<String, Long> lastApplied = new HashMap<>();

    private final Map<String, SessionsVerified> parked = new HashMap<>();

    /** @return the steps the marker causes, in order (a parked marker it replaces comes first) */
    List<Step> markerArrived(SessionsVerified marker) {
        String connectionId = marker.connectionId();
        Long applied = this.lastApplied.get(connectionId);
        long offset = marker.sessionEventsOffset();
        if (applied == null) {
            return List.of(new Step.Skip(marker, SkipReason.UNKNOWN_POSITION));
        }
        if (applied == offset) {
            return List.of(new Step.Check(marker));
        }
        if (applied > offset) {
            return List.of(new Step.Skip(marker, SkipReason.MOVED_ON));
        }
        SessionsVerified replaced = this.parked.put(connectionId, marker);
        return replaced == null ? List.of(new Step.Park(marker))
                : List.of(new Step.Skip(replaced, SkipReason.MOVED_ON), new Step.Park(marker));
    }

    /**
     * The session-events record at {@code offset} of the connection was applied (or refused: the table is then as
     * the record left it, which is what a marker at that offset describes).
     * @return the parked marker this settles, if any: to check now, or skipped when the table went past it
     */
    Optional<Step> recordApplied(String connectionId, long offset) {
        this.lastApplied.put(connectionId, offset);
        SessionsVerified waiting = this.parked.get(connectionId);
        if (waiting == null || offset < waiting.sessionEventsOffset()) {
            return Optional.empty();
        }
        this.parked.remove(connectionId);
        return Optional.of(offset == waiting.sessionEventsOffset() ? new Step.Check(waiting)
                : new Step.Skip(waiting, SkipReason.MOVED_ON));
    }
}

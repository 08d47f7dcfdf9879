package io.crewstream.ingestor.ownership;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import io.crewstream.ingestor.ownership.GatewayPhase.Fenced;
import io.crewstream.ingestor.ownership.GatewayPhase.Opening;
import io.crewstream.ingestor.ownership.GatewayPhase.Owned;
import io.crewstream.ingestor.ownership.GatewayPhase.Unowned;

/**
 * Every gateway's {@link GatewayPhase} with when and why it last changed; the transitions and nothing else (no I/O,
 * time passed in). Each transition returns the phase it left, so that the caller knows what to undo: a supervisor
 * runs only in {@link Owned}.
 *
 * <p>Not thread-safe: one thread changes it (the ownership thread); others read {@link #standings()}, an immutable
 * copy.
 */
final class OwnershipBook {

    private final Map<String, GatewayStanding> standings = new LinkedHashMap<>();

    OwnershipBook(List<String> connectionIds, long now) {
        connectionIds.forEach(id -> this.standings.put(id, new GatewayStanding(new Unowned(), Instant.ofEpochMilli(now),
                "not assigned to this instance yet")));
    }

    GatewayPhase phase(String connectionId) {
        return standing(connectionId).phase();
    }

    /** Kafka assigned the gateway here: its writer is to be opened now. Ignored unless it was unowned or fenced. */
    GatewayPhase assigned(String connectionId, long now) {
        GatewayPhase before = phase(connectionId);
        if (before instanceof Unowned || before instanceof Fenced) {
            set(connectionId, new Opening(0, now), now, "assigned to this instance");
        }
        return before;
    }

    /** The writer is open: owned. Ignored unless opening. */
    GatewayPhase opened(String connectionId, long now) {
        GatewayPhase before = phase(connectionId);
        if (before instanceof Opening) {
            set(connectionId, new Owned(), now, "assigned to this instance and its writer open");
        }
        return before;
    }

    /** Opening the writer failed: try again at {@code now + retryInMs}. Ignored unless opening. */
    GatewayPhase openFailed(String connectionId, long now, long retryInMs, String why) {
        GatewayPhase before = phase(connectionId);
        if (before instanceof Opening opening) {
            set(connectionId, new Opening(opening.failures() + 1, now + retryInMs), now,
                    "could not open its writer (attempt " + (opening.failures() + 1) + "): " + why);
        }
        return before;
    }

    /**
     * The writer can write no more: fenced, it is checked again at {@code now + retryInMs} (a new assignment comes
     * first); failed otherwise, it is opened again at {@code now + retryInMs}. Ignored unless owned.
     */
    GatewayPhase writerLost(String connectionId, boolean fenced, long now, long retryInMs, String why) {
        GatewayPhase before = phase(connectionId);
        if (before instanceof Owned) {
            if (fenced) {
                set(connectionId, new Fenced(now + retryInMs), now, "writer fenced (another instance opened it): "
                        + why);
            }
            else {
                set(connectionId, new Opening(0, now + retryInMs), now, "writer failed: " + why);
            }
        }
        return before;
    }

    /**
     * A fenced gateway's recheck found it still assigned here: its writer is to be opened now. Ignored unless
     * fenced.
     */
    GatewayPhase stillAssignedAfterFence(String connectionId, long now) {
        GatewayPhase before = phase(connectionId);
        if (before instanceof Fenced) {
            set(connectionId, new Opening(0, now), now, "still assigned to this instance after its writer was fenced");
        }
        return before;
    }

    /** This instance no longer owns the gateway. */
    GatewayPhase released(String connectionId, ReleaseReason reason, long now) {
        GatewayPhase before = phase(connectionId);
        if (!(before instanceof Unowned)) {
            set(connectionId, new Unowned(), now, "released: " + reason.tag());
        }
        return before;
    }

    /** Gateways whose writer is due to be opened, or whose fence is due to be rechecked, at {@code now}. */
    List<String> due(long now) {
        List<String> due = new ArrayList<>();
        this.standings.forEach((id, standing) -> {
            if (dueAt(standing.phase()).orElse(Long.MAX_VALUE) <= now) {
                due.add(id);
            }
        });
        return due;
    }

    /** When the next writer is due to be opened or fence rechecked, if any is waiting. */
    OptionalLong nextDue() {
        return this.standings.values().stream().map(GatewayStanding::phase).map(OwnershipBook::dueAt)
                .filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong).min();
    }

    private static OptionalLong dueAt(GatewayPhase phase) {
        if (phase instanceof Opening opening) {
            return OptionalLong.of(opening.dueAt());
        }
        if (phase instanceof Fenced fenced) {
            return OptionalLong.of(fenced.recheckAt());
        }
        return OptionalLong.empty();
    }

    /** Gateways in any phase but {@link Unowned}: assigned here as far as this instance knows. */
    List<String> held() {
        return this.standings.entrySet().stream().filter(e -> !(e.getValue().phase() instanceof Unowned))
                .map(Map.Entry::getKey).toList();
    }

    /** An immutable copy, in configuration order. */
    Map<String, GatewayStanding> standings() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(this.standings));
    }

    private GatewayStanding standing(String connectionId) {
        GatewayStanding standing = this.standings.get(connectionId);
        if (standing == null) {
            throw new IllegalArgumentException("no enabled gateway '" + connectionId + "'");
        }
        return standing;
    }

    private void set(String connectionId, GatewayPhase phase, long now, String why) {
        this.standings.put(connectionId, new GatewayStanding(phase, Instant.ofEpochMilli(now), why));
    }
}

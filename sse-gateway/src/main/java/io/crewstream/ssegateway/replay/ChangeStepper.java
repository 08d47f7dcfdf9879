package io.crewstream.ssegateway.replay;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.crewstream.replay.Replay;
import io.crewstream.replay.kafka.RetainedRange;
import io.crewstream.replay.table.TableChange;
import io.crewstream.schemas.Topic;

/**
 * Steps the replay page through one gateway's table change by change: the next change written after an instant, or
 * the last one written at or before it, found by asking the engine for the changes of windows that grow (one
 * minute, then four times wider each time) until one holds a change or the window reaches the end of what the
 * session-events topic holds. Each window costs one fold from the nearest snapshot, never a scan of the topic.
 *
 * <p>One step is one instant of the time axis (Kafka record timestamps, in milliseconds): the table at an instant
 * has every change written up to it applied, so the changes written at the same millisecond (every row one snapshot
 * changed, say) are one step, reported together. Stepping is symmetric: {@link Step#moveTo()} is the change's
 * instant going forward and the millisecond before it going back, so that
 *
 * <ul>
 * <li>the next step from {@code t} shows the table with the change applied, and the previous step from there shows
 * the table as it was at {@code t} again, with the same change selected;</li>
 * <li>previous, previous, ... visits every change back to the first, and next, next, ... every change forward.</li>
 * </ul>
 *
 * The first window is short because going back folds every change of the window to find the last ones (it keeps only
 * those of the newest instant): on a busy gateway ten minutes can hold hundreds of thousands. Stateless and
 * thread-safe (the engine is).
 */
public final class ChangeStepper {

    static final Duration FIRST_WINDOW = Duration.ofMinutes(1);

    /** Changes of one instant reported with a step; a 10,000-row snapshot makes more, and says so. */
    static final int MAX_CHANGES_SHOWN = 100;

    private final Replay replay;

    public ChangeStepper(Replay replay) {
        this.replay = replay;
    }

    /** Which way to step. */
    public enum Direction {
        NEXT, PREVIOUS
    }

    /**
     * A step's answer.
     *
     * @param change the change found: the first one after the instant asked, or the last one at or before it
     * @param atSameInstant every change written at {@code change.at()}, in order, at most
     *     {@value #MAX_CHANGES_SHOWN}; {@code change} is among them unless {@code truncated}
     * @param truncated whether more changes were written at that instant than listed
     * @param moveTo where the page moves to: {@code change.at()} going forward, one millisecond before it going back
     */
    public record Step(TableChange change, List<TableChange> atSameInstant, boolean truncated, Instant moveTo) {
    }

    /** @return null when the connection has no change in what the topic holds on that side of {@code at} */
    public Step step(String connectionId, Instant at, Direction direction) {
        RetainedRange range = this.replay.retained(Topic.SESSION_EVENTS, connectionId);
        if (range.earliest() == null) {
            return null;
        }
        return direction == Direction.NEXT ? next(connectionId, at, range) : previous(connectionId, at, range);
    }

    private Step next(String connectionId, Instant at, RetainedRange range) {
        if (!at.isBefore(range.latest())) {
            return null;
        }
        // Nothing older than the first record can change the table: start the search there.
        Instant from = at.isBefore(range.earliest()) ? range.earliest().minusMillis(1) : at;
        Duration window = FIRST_WINDOW;
        while (true) {
            Instant to = from.plus(window);
            boolean last = !to.isBefore(range.latest());
            if (last) {
                to = range.latest();
            }
            List<TableChange> found = this.replay.changes(connectionId, from, to, MAX_CHANGES_SHOWN + 1);
            if (!found.isEmpty()) {
                TableChange first = found.get(0);
                List<TableChange> same = found.stream().filter(change -> change.at().equals(first.at())).toList();
                return step(first, same, first.at());
            }
            if (last) {
                return null;
            }
            from = to;
            window = window.multipliedBy(4);
        }
    }

    private Step previous(String connectionId, Instant at, RetainedRange range) {
        if (at.isBefore(range.earliest())) {
            return null;
        }
        // Changes are those written in (from, to]: the floor lets the very first record's changes in.
        Instant floor = range.earliest().minusMillis(1);
        Instant to = at.isAfter(range.latest()) ? range.latest() : at;
        Duration window = FIRST_WINDOW;
        while (true) {
            Instant from = to.minus(window);
            boolean last = !from.isAfter(floor);
            if (last) {
                from = floor;
            }
            // Only the last change and the first of its instant are kept, however many the window holds.
            List<TableChange> newest = new ArrayList<>();
            TableChange[] latest = new TableChange[1];
            this.replay.changes(connectionId, from, to, change -> {
                if (latest[0] != null && !latest[0].at().equals(change.at())) {
                    newest.clear();
                }
                latest[0] = change;
                if (newest.size() <= MAX_CHANGES_SHOWN) {
                    newest.add(change);
                }
            });
            if (latest[0] != null) {
                return step(latest[0], newest, latest[0].at().minusMillis(1));
            }
            if (last) {
                return null;
            }
            to = from;
            window = window.multipliedBy(4);
        }
    }

    private static Step step(TableChange change, List<TableChange> same, Instant moveTo) {
        boolean truncated = same.size() > MAX_CHANGES_SHOWN;
        return new Step(change, truncated ? same.subList(0, MAX_CHANGES_SHOWN) : same, truncated, moveTo);
    }
}

package io.crewstream.agentusage.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * An agent's sessions come from several partitions of the table, so its changes may arrive out of time order; within
 * the grace period the minutes must end the same whatever the order.
 */
class AgentMinutesTest {

    private static final long M0 = 0;
    private static final long M1 = 60_000;
    private static final long M2 = 120_000;

    @Test
    void theMinutesEndTheSameWhateverOrderTheirChangesArriveIn() {
        List<Change> changes = List.of(
                new Change(M0, usage(1, 1, 0, 0, null)),
                new Change(M0, usage(1, 1, 0, 0, null)),
                new Change(M1, usage(0, 0, 0, 250, "done")),
                new Change(M1, usage(-1, 0, 1, 0, null)),
                new Change(M2, usage(1, 1, 0, 0, null)),
                new Change(M2, usage(0, 0, 0, 40, null)));
        Map<Long, String> inOrder = finalFigures(changes);

        List<List<Change>> orders = permutations(changes);
        for (List<Change> order : orders) {
            assertThat(finalFigures(order)).as("arrival order %s", order).isEqualTo(inOrder);
        }
        assertThat(orders).hasSize(720);
        assertThat(inOrder).isEqualTo(Map.of(
                M0, "active=2 created=2 removed=0 tokens=0 runs={}",
                M1, "active=1 created=0 removed=1 tokens=250 runs={done=1}",
                M2, "active=2 created=1 removed=0 tokens=40 runs={}"));
    }

    @Test
    void aLateChangeMovesTheSessionCountOfTheOpenMinutesAfterItOnly() {
        AgentMinutes agent = AgentMinutes.NONE.apply(M1, usage(1, 1, 0, 0, null)).minutes()
                .apply(M2, usage(0, 0, 0, 10, null)).minutes();

        AgentMinutes.Applied late = agent.closedBefore(M1).applyLate(M0, usage(1, 1, 0, 500, "done"));

        assertThat(late.written()).extracting(MinuteTally::minuteStart, MinuteTally::activeSessions,
                MinuteTally::sessionsCreated, MinuteTally::tokensConsumed)
                .containsExactly(tuple(M1, 2L, 1L, 0L),
                        tuple(M2, 2L, 0L, 10L));
        assertThat(late.minutes().liveSessions()).isEqualTo(2);
    }

    private record Change(long minute, SessionUsage usage) {
    }

    private static SessionUsage usage(int activeDelta, int created, int removed, long tokens, String finished) {
        return new SessionUsage("gw", "main", activeDelta, created, removed, tokens, finished);
    }

    /** The last figures written for each minute. */
    private static Map<Long, String> finalFigures(List<Change> changes) {
        AgentMinutes agent = AgentMinutes.NONE;
        Map<Long, String> figures = new TreeMap<>();
        for (Change change : changes) {
            AgentMinutes.Applied applied = agent.apply(change.minute(), change.usage());
            applied.written().forEach(minute -> figures.put(minute.minuteStart(), "active=" + minute.activeSessions()
                    + " created=" + minute.sessionsCreated() + " removed=" + minute.sessionsRemoved() + " tokens="
                    + minute.tokensConsumed() + " runs=" + new TreeMap<>(minute.runsFinished())));
            agent = applied.minutes();
        }
        return figures;
    }

    private static <T> List<List<T>> permutations(List<T> items) {
        if (items.isEmpty()) {
            return List.of(List.of());
        }
        List<List<T>> all = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            List<T> rest = new ArrayList<>(items);
            T first = rest.remove(i);
            for (List<T> tail : permutations(rest)) {
                List<T> order = new ArrayList<>();
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }
}

package io.crewstream.agentusage.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * What the app knows of one agent: the value of the {@link AgentUsageTopology#AGENT_MINUTES_STORE} store, keyed
 * {@code <connectionId>/<agentId>}. Immutable.
 *
 * <p>The session count at the end of a minute is the sum of every change up to that minute's end, in event time.
 * Changes of one agent come from several partitions of the table and so may arrive slightly out of time order; the
 * count is kept right anyway: {@code liveSessions} sums every change that arrived, each open minute keeps its own
 * {@code net} change, and the count at the end of minute M is {@code liveSessions} less the net changes of the
 * minutes after M. A change of minute M therefore also moves the count of every later open minute, which is written
 * again.
 *
 * @param liveSessions the agent's sessions now: every change that arrived, late ones included
 * @param openMinutes the minutes still within their grace period, in time order
 */
record AgentMinutes(long liveSessions, List<MinuteTally> openMinutes) {

    static final AgentMinutes NONE = new AgentMinutes(0, List.of());

    AgentMinutes {
        openMinutes = List.copyOf(openMinutes);
    }

    /**
     * @param minutes the new state
     * @param written the minutes whose figures changed, in time order: each is written again
     */
    record Applied(AgentMinutes minutes, List<MinuteTally> written) {
    }

    /** Forgets the minutes that start before {@code firstOpenMinute}: their grace period is over. */
    AgentMinutes closedBefore(long firstOpenMinute) {
        if (this.openMinutes.isEmpty() || this.openMinutes.get(0).minuteStart() >= firstOpenMinute) {
            return this;
        }
        return new AgentMinutes(this.liveSessions, this.openMinutes.stream()
                .filter(minute -> minute.minuteStart() >= firstOpenMinute).toList());
    }

    /** A change of an open minute: that minute is written, and the later ones whose session count it moves. */
    Applied apply(long minuteStart, SessionUsage usage) {
        long live = this.liveSessions + usage.activeDelta();
        long laterNet = this.openMinutes.stream().filter(minute -> minute.minuteStart() > minuteStart)
                .mapToLong(MinuteTally::net).sum();
        List<MinuteTally> next = new ArrayList<>();
        List<MinuteTally> written = new ArrayList<>();
        boolean applied = false;
        for (MinuteTally minute : this.openMinutes) {
            if (minute.minuteStart() < minuteStart) {
                next.add(minute);
                continue;
            }
            if (minute.minuteStart() == minuteStart) {
                add(minute.plus(usage), next, written);
                applied = true;
                continue;
            }
            if (!applied) {
                add(MinuteTally.first(minuteStart, live - laterNet, usage), next, written);
                applied = true;
            }
            shift(minute, usage.activeDelta(), next, written);
        }
        if (!applied) {
            add(MinuteTally.first(minuteStart, live - laterNet, usage), next, written);
        }
        return new Applied(new AgentMinutes(live, next), written);
    }

    /**
     * A change of a minute whose grace period is over: its figures are lost, but the session it adds or removes
     * still exists or not, so the count moves now and with it that of every open minute after it.
     */
    Applied applyLate(long minuteStart, SessionUsage usage) {
        List<MinuteTally> next = new ArrayList<>();
        List<MinuteTally> written = new ArrayList<>();
        for (MinuteTally minute : this.openMinutes) {
            if (minute.minuteStart() > minuteStart) {
                shift(minute, usage.activeDelta(), next, written);
            }
            else {
                next.add(minute);
            }
        }
        return new Applied(new AgentMinutes(this.liveSessions + usage.activeDelta(), next), written);
    }

    private static void add(MinuteTally minute, List<MinuteTally> next, List<MinuteTally> written) {
        next.add(minute);
        written.add(minute);
    }

    private static void shift(MinuteTally minute, long delta, List<MinuteTally> next, List<MinuteTally> written) {
        if (delta == 0) {
            next.add(minute);
        }
        else {
            add(minute.shifted(delta), next, written);
        }
    }
}

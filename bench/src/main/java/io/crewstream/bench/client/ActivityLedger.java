package io.crewstream.bench.client;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Every activity transition the harness made a simulated gateway emit, per session in emission order, each with the
 * wall-clock microseconds just before and just after the simulator call that sent its frame. The gateway stamps the
 * frame's {@code ts} (epoch ms, which becomes the activity's {@code since}) inside that call, so a transition shown
 * to a client is found by its state, tool and {@code since} lying within the call's milliseconds.
 *
 * <p>Threading: one driver thread appends ({@link #emit}, then {@link Transition#emitted}); any number of client
 * threads read. A session's list is copy-on-write (appends are a few per second per session, reads thousands).
 */
public final class ActivityLedger {

    private final Map<String, List<Transition>> sessions = new ConcurrentHashMap<>();

    private volatile long windowStartMicros = Long.MAX_VALUE;

    private volatile long windowEndMicros = Long.MAX_VALUE;

    /** From now on, emitted transitions are measured (those before are warm-up). */
    public void openWindow(long nowMicros) {
        this.windowStartMicros = nowMicros;
    }

    /** Transitions emitted from now on are not measured any more. */
    public void closeWindow(long nowMicros) {
        this.windowEndMicros = nowMicros;
    }

    /**
     * Registers a transition about to be emitted; call before the simulator call, and {@link Transition#emitted}
     * after it, so that a client never sees a frame whose transition is not in the ledger yet.
     */
    public Transition emit(String sessionKey, String state, String toolName, long beforeMicros) {
        List<Transition> list = this.sessions.computeIfAbsent(sessionKey, k -> new CopyOnWriteArrayList<>());
        boolean measured = beforeMicros >= this.windowStartMicros && beforeMicros < this.windowEndMicros;
        Transition transition = new Transition(list.size(), state, toolName, beforeMicros, measured);
        list.add(transition);
        return transition;
    }

    /** The session's transitions so far, in emission order (an unmodifiable live view). */
    public List<Transition> of(String sessionKey) {
        List<Transition> list = this.sessions.get(sessionKey);
        return (list != null) ? Collections.unmodifiableList(list) : List.of();
    }

    /** Measured transitions per state, over every session. */
    public Map<String, Long> measuredByState() {
        Map<String, Long> counts = new TreeMap<>();
        this.sessions.values().forEach(list -> list.stream().filter(Transition::measured)
                .forEach(t -> counts.merge(t.state(), 1L, Long::sum)));
        return counts;
    }

    /**
     * Finds the transition a client was shown: the first after {@code afterIndex} with this state and tool whose
     * emitting call spanned {@code sinceMillis}; null when there is none (an error that expired into idle on the
     * projector's timer, or a state from before the ledger started).
     */
    public static Transition find(List<Transition> list, int afterIndex, String state, String toolName,
            long sinceMillis) {
        for (int i = afterIndex + 1; i < list.size(); i++) {
            Transition t = list.get(i);
            if (t.state().equals(state) && Objects.equals(t.toolName(), toolName) && t.spans(sinceMillis)) {
                return t;
            }
        }
        return null;
    }

    /** One emitted transition. {@code emittedMicros} is -1 until the simulator call returned. */
    public static final class Transition {

        private final int index;

        private final String state;

        private final String toolName;

        private final long beforeMicros;

        private final boolean measured;

        private volatile long afterMicros = -1;

        Transition(int index, String state, String toolName, long beforeMicros, boolean measured) {
            this.index = index;
            this.state = state;
            this.toolName = toolName;
            this.beforeMicros = beforeMicros;
            this.measured = measured;
        }

        /** Marks the simulator call as returned (its frames sent). */
        public void emitted(long nowMicros) {
            this.afterMicros = nowMicros;
        }

        boolean spans(long sinceMillis) {
            long after = this.afterMicros;
            return sinceMillis >= this.beforeMicros / 1000 && (after < 0 || sinceMillis <= after / 1000);
        }

        public int index() {
            return this.index;
        }

        public String state() {
            return this.state;
        }

        public String toolName() {
            return this.toolName;
        }

        /** The harness's stamp just before the simulator call that emitted it: what latency is measured from. */
        public long beforeMicros() {
            return this.beforeMicros;
        }

        public boolean measured() {
            return this.measured;
        }
    }
}

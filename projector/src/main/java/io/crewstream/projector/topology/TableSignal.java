package io.crewstream.projector.topology;

import java.util.List;

import io.crewstream.schemas.SessionStateKey;

/**
 * What one processor of the projector tells the others of the same task, forwarded along the topology (never
 * written to a topic): the session table changed in a way the activity or agents tables depend on, a connection was
 * lost, an activity row changed. Each carries the time of the event that caused it ({@code at}, epoch ms).
 */
sealed interface TableSignal {

    String connectionId();

    /** A session entered the session table. */
    record SessionAdded(SessionStateKey key, String agentId, long at) implements TableSignal {

        @Override
        public String connectionId() {
            return this.key.connectionId();
        }
    }

    /** A session's row now names another agent (or none, or one where it named none). */
    record SessionAgentChanged(SessionStateKey key, String fromAgentId, String toAgentId, long at)
            implements TableSignal {

        @Override
        public String connectionId() {
            return this.key.connectionId();
        }
    }

    /**
     * The agents of several sessions of one connection changed at once: what one snapshot chunk did to the session
     * table, told to the agents projector only, which updates its index of sessions by agent and recomputes the agents
     * once the snapshot is complete ({@link SnapshotApplied}): once per session, 10,000 sessions of one agent made
     * 10,000 recomputations over up to 10,000 sessions each, and once per chunk still most of the projector's time. Each
     * change's {@code fromAgentId} is null for a session new to the table, its {@code toAgentId} null for one that
     * left it.
     */
    record SessionAgentsChanged(String connectionId, List<SessionAgentChanged> changes, long at)
            implements TableSignal {
    }

    /** A session left the session table. */
    record SessionRemoved(SessionStateKey key, String agentId, long at) implements TableSignal {

        @Override
        public String connectionId() {
            return this.key.connectionId();
        }
    }

    /**
     * A complete snapshot of the connection was applied to the session table.
     * @param observedAt when the ingestor received it (its last chunk)
     * @param knowsUpTo the instant it may know of ({@code SnapshotChunk#knowsUpTo()}, the earliest over its chunks):
     *     when the ingestor asked for the list, so a run first seen later may be missing from it
     */
    record SnapshotApplied(String connectionId, long observedAt, long knowsUpTo) implements TableSignal {
    }

    /** The connection's link went down ({@code UpstreamState#linkDown()}): no run of it can report its end now. */
    record ConnectionLost(String connectionId, long at) implements TableSignal {
    }

    /** A session's activity row changed (or was removed). */
    record ActivityChanged(SessionStateKey key, long at) implements TableSignal {

        @Override
        public String connectionId() {
            return this.key.connectionId();
        }
    }
}

package io.crewstream.ingestor.ownership;

/**
 * Where this instance stands with one gateway:
 *
 * <pre>
 * Unowned ─assigned→ Opening ─writer open→ Owned ─revoked / lost / stopped→ Unowned
 *                    Opening ─open failed→ Opening (again after a backoff, while assigned)
 *                    Owned ─writer fenced→ Fenced ─revoked / lost / stopped→ Unowned
 *                                          Fenced ─recheck due, still assigned here→ Opening
 *                                          Fenced ─recheck due, no longer assigned here→ Unowned
 *                    Owned ─writer failed→ Opening (after a backoff)
 * </pre>
 *
 * Only in {@link Owned} does the gateway's supervisor run.
 */
public sealed interface GatewayPhase {

    /** The wire name in health. */
    String name();

    /** Another instance owns the gateway, or none does yet. */
    record Unowned() implements GatewayPhase {

        @Override
        public String name() {
            return "unowned";
        }
    }

    /**
     * Assigned here; the gateway's writer is to be opened at {@code dueAt} (epoch ms): at once after the assignment,
     * later after a failed attempt.
     *
     * @param failures attempts that failed so far
     */
    record Opening(int failures, long dueAt) implements GatewayPhase {

        @Override
        public String name() {
            return "opening";
        }
    }

    /** Assigned here, writer open, supervisor running. */
    record Owned() implements GatewayPhase {

        @Override
        public String name() {
            return "owned";
        }
    }

    /**
     * Still assigned here as far as this instance knows, but Kafka fenced its writer: another instance opened the
     * gateway's writer. Nothing is written until {@code recheckAt} (epoch ms), which leaves a member the group dropped
     * time enough (a session timeout and a heartbeat) to learn it; if the group then still assigns the gateway here,
     * the fence was not an owner's (a stale instance's late open, or a transaction the coordinator aborted) and the
     * writer is opened again, so that a gateway assigned here is never left dark.
     */
    record Fenced(long recheckAt) implements GatewayPhase {

        @Override
        public String name() {
            return "fenced";
        }
    }
}

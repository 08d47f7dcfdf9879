package io.crewstream.ssegateway.security;

import java.util.HashSet;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The ids of the stream tickets this instance has redeemed, each kept until the ticket expires, so that a second use
 * is refused. Pure bookkeeping; the caller passes the time.
 *
 * <p>Memory: one entry per ticket redeemed here and not yet expired, so at most the tickets redeemed within one
 * ticket time-to-live ({@code tickets.per-minute} caps them per JWT subject; a static token's are not capped, only its
 * connections per address are); expired ids are dropped, oldest first, on every call. Time only moves forward here: an id is dropped once the latest time seen has passed its expiry, and from then
 * on every ticket expiring by that time is refused as expired even if the clock is set back (else a clock stepped back
 * would make a forgotten ticket usable again).
 *
 * <p>Threading: any thread; one lock around each call, which is short (a hash lookup, a heap insertion, and the
 * removal of what has expired).
 */
final class RedeemedTickets {

    /** The outcome of a redemption. */
    enum Outcome {
        /** The first use: the ticket opens a stream. */
        FIRST_USE,
        /** Redeemed before. */
        USED,
        /** Expired, by this call's time or by a later one already seen. */
        EXPIRED
    }

    private record Redeemed(String id, long expiresAt) {
    }

    private final Object lock = new Object();

    private final Set<String> ids = new HashSet<>();

    private final PriorityQueue<Redeemed> byExpiry = new PriorityQueue<>(
            (a, b) -> Long.compare(a.expiresAt(), b.expiresAt()));

    /** The latest time seen: every id expiring by it has been dropped. */
    private long horizon = Long.MIN_VALUE;

    /**
     * Records the use of ticket {@code id}, which expires at {@code expiresAt} (epoch ms), at {@code now}.
     */
    Outcome redeem(String id, long expiresAt, long now) {
        synchronized (this.lock) {
            this.horizon = Math.max(this.horizon, now);
            forgetExpired();
            if (expiresAt <= this.horizon) {
                return Outcome.EXPIRED;
            }
            if (!this.ids.add(id)) {
                return Outcome.USED;
            }
            this.byExpiry.add(new Redeemed(id, expiresAt));
            return Outcome.FIRST_USE;
        }
    }

    /** Ids kept. */
    int size() {
        synchronized (this.lock) {
            return this.ids.size();
        }
    }

    private void forgetExpired() {
        while (!this.byExpiry.isEmpty() && this.byExpiry.peek().expiresAt() <= this.horizon) {
            this.ids.remove(this.byExpiry.poll().id());
        }
    }
}

package io.crewstream.ingestor.upstream;

/**
 * Where an {@link UpstreamSession} stands with its gateway. Each phase holds what exists only in it: the link (one
 * socket and what belongs to it) from {@link Connecting} until the link is lost, the gateway's {@code hello-ok} once
 * the handshake is done, the listing under way while a snapshot is taken.
 *
 * <pre>
 * Idle ─start→ Connecting ─open→ AwaitingChallenge ─challenge→ Authenticating ─hello-ok→ Snapshotting
 * Snapshotting ─published→ Live ─re-list→ Relisting ─published→ Live
 * any linked phase ─lost (close, failure, timeout, rejection)→ BackingOff ─timer→ Connecting
 * any ─stop→ Stopped ─start→ Connecting
 * </pre>
 */
sealed interface ConnectionPhase {

    /** Not started yet. */
    record Idle() implements ConnectionPhase {
    }

    /** Stopped; a start connects again. */
    record Stopped() implements ConnectionPhase {
    }

    /** The last link was lost; the next attempt is scheduled ({@link SessionTimer.Reconnect}). */
    record BackingOff() implements ConnectionPhase {
    }

    /** A phase with a link to the gateway. */
    sealed interface Linked extends ConnectionPhase {
        GatewayLink link();
    }

    /** The handshake is done: the gateway's sessions are being listed or followed. */
    sealed interface Handshaken extends Linked {
        HelloOk hello();
    }

    /** A snapshot is being listed: changes and run steps are held back until it is published. */
    sealed interface Listing extends Handshaken {
        SnapshotLoad load();
    }

    /** The socket is being opened. */
    record Connecting(GatewayLink link) implements Linked {
    }

    /** Open; waiting for the gateway's {@code connect.challenge}. */
    record AwaitingChallenge(GatewayLink link) implements Linked {
    }

    /** {@code connect} sent; waiting for {@code hello-ok}. */
    record Authenticating(GatewayLink link) implements Linked {
    }

    /** Subscribed; the link's first snapshot is being listed. Not yet reported connected. */
    record Snapshotting(GatewayLink link, HelloOk hello, SnapshotLoad load) implements Listing {
    }

    /** The snapshot is out; every change is published as it comes. */
    record Live(GatewayLink link, HelloOk hello) implements Handshaken {
    }

    /** Live, and listing again (reconciliation, seq gap, …); changes are held back until the listing is published. */
    record Relisting(GatewayLink link, HelloOk hello, SnapshotLoad load) implements Listing {
    }
}

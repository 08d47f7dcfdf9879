package io.crewstream.sim.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicLong;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.crewstream.sim.protocol.CloseCodes;
import io.crewstream.sim.protocol.Frames;
import io.crewstream.sim.protocol.GatewayProtocol;
import io.crewstream.sim.protocol.Scopes;

/**
 * One client socket: its handshake state, granted scopes, subscription and its own event {@code seq}.
 *
 * Public only because Jetty invokes the listener through method handles; nothing outside this package uses it.
 *
 * <p>Threading: Jetty calls the listener methods one at a time for a socket. {@code send*} methods are called from
 * any thread (Jetty, scheduler, control, churn); a per-socket lock makes "take the next seq and queue the frame"
 * atomic, so frames leave in {@code seq} order. Sends never block: Jetty queues the frame and the lock is released;
 * queued bytes are tracked so that a slow consumer loses droppable events (a {@code seq} gap) or, for other events,
 * is closed with 1008, as the real gateway does.
 */
public final class GatewayConnection implements Session.Listener.AutoDemanding {

    private static final Logger log = LoggerFactory.getLogger(GatewayConnection.class);

    enum State { AWAITING_CONNECT, CONNECTED, CLOSED }

    private final String connId = UUID.randomUUID().toString();
    private final RequestHandler requests;
    private final ConnectionRegistry registry;
    private final long maxBufferedBytes;
    private final Object sendLock = new Object();
    private final AtomicLong queuedBytes = new AtomicLong();
    private long seq; // guarded by sendLock
    private long pendingSkip; // guarded by sendLock
    private volatile Session session;
    private volatile State state = State.AWAITING_CONNECT;
    private volatile List<String> scopes = List.of();
    private volatile boolean subscribed;
    private volatile List<String> caps = List.of();
    /** Keys from {@code sessions.messages.subscribe}; only consulted for {@code session-scoped-events} sockets. */
    private final java.util.Set<String> messageKeys = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile ScheduledFuture<?> handshakeTimeout;

    GatewayConnection(RequestHandler requests, ConnectionRegistry registry, long maxBufferedBytes) {
        this.requests = requests;
        this.registry = registry;
        this.maxBufferedBytes = maxBufferedBytes;
    }

    @Override
    public void onWebSocketOpen(Session session) {
        this.session = session;
        session.setMaxTextMessageSize(Math.min(GatewayProtocol.PRE_AUTH_MAX_PAYLOAD, session.getMaxTextMessageSize()));
        registry.add(this);
        requests.opened(this);
    }

    @Override
    public void onWebSocketText(String text) {
        requests.handle(this, text);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        state = State.CLOSED;
        registry.remove(this);
        ScheduledFuture<?> timeout = handshakeTimeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
        log.debug("connection {} closed: {} {}", connId, statusCode, reason);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        log.debug("connection {} failed: {}", connId, cause.toString());
    }

    String connId() {
        return connId;
    }

    State state() {
        return state;
    }

    boolean authenticated() {
        return state == State.CONNECTED;
    }

    List<String> scopes() {
        return scopes;
    }

    boolean receivesSessionChanges() {
        return subscribed && authenticated() && Scopes.grants(scopes, Scopes.READ);
    }

    void subscribe() {
        subscribed = true;
    }

    void subscribeMessages(String sessionKey) {
        messageKeys.add(sessionKey);
    }

    /**
     * {@code agent} and {@code chat} (protocol §4.1): every read-scoped operator, except that a socket declaring
     * {@code session-scoped-events} only gets keys it subscribed with {@code sessions.messages.subscribe}.
     */
    boolean receivesRunEvents(String sessionKey) {
        if (!authenticated() || !Scopes.grants(scopes, Scopes.READ)) {
            return false;
        }
        return !caps.contains(GatewayProtocol.CAP_SESSION_SCOPED_EVENTS) || messageKeys.contains(sessionKey);
    }

    /**
     * Tool-stream {@code agent} events need {@code caps:["tool-events"]}. (The real gateway also requires the socket to
     * have started the run with {@code chat.send}; runs here are started by the simulator, so every cap holder counts
     * as the starter. See the module README.)
     */
    boolean receivesToolEvents(String sessionKey) {
        return caps.contains(GatewayProtocol.CAP_TOOL_EVENTS) && receivesRunEvents(sessionKey);
    }

    /** {@code session.tool}: {@code sessions.subscribe}rs that do not get the tool-stream {@code agent} event. */
    boolean receivesSessionTool(String sessionKey) {
        return receivesSessionChanges() && !receivesToolEvents(sessionKey);
    }

    void handshakeTimeout(ScheduledFuture<?> timeout) {
        handshakeTimeout = timeout;
    }

    /**
     * Marks the socket authenticated and queues {@code hello-ok} in one step under the send lock, so that no event
     * can precede {@code hello-ok} and nothing sent to authenticated sockets right after it can be missed. Raises the
     * inbound cap from 64 KiB to {@code maxPayload}.
     */
    void completeHandshake(String helloOkResponse, List<String> grantedScopes, List<String> declaredCaps,
            long maxPayload) {
        ScheduledFuture<?> timeout = handshakeTimeout;
        if (timeout != null) {
            timeout.cancel(false);
        }
        Session current = session;
        if (current != null) {
            current.setMaxTextMessageSize(maxPayload);
        }
        synchronized (sendLock) {
            scopes = List.copyOf(grantedScopes);
            caps = List.copyOf(declaredCaps);
            state = State.CONNECTED;
            sendText(helloOkResponse);
        }
    }

    /** True for a direct loopback peer without browser or proxy headers (protocol §2.4). */
    boolean directLoopback() {
        Session current = session;
        if (current == null) {
            return false;
        }
        SocketAddress remote = current.getRemoteSocketAddress();
        boolean loopbackPeer = remote instanceof InetSocketAddress inet && inet.getAddress() != null
                && inet.getAddress().isLoopbackAddress();
        var upgrade = current.getUpgradeRequest();
        boolean proxiedOrBrowser = upgrade.getHeader("Origin") != null || upgrade.getHeader("Forwarded") != null
                || upgrade.getHeader("X-Forwarded-For") != null || upgrade.getHeader("X-Real-IP") != null;
        return loopbackPeer && !proxiedOrBrowser;
    }

    /** Sends an event with this socket's next {@code seq}. */
    void sendEvent(String event, String payloadJson, boolean droppable) {
        synchronized (sendLock) {
            seq += 1 + pendingSkip;
            pendingSkip = 0;
            if (queuedBytes.get() > maxBufferedBytes) {
                if (droppable) {
                    return; // the seq is consumed: the client sees a gap, as with the real gateway
                }
                close(CloseCodes.POLICY_VIOLATION, "slow consumer");
                return;
            }
            sendText(Frames.event(event, payloadJson, seq));
        }
    }

    /** Sends a frame that carries no {@code seq} (responses, the challenge, raw fault frames). */
    void sendUnsequenced(String text) {
        synchronized (sendLock) {
            sendText(text);
        }
    }

    void skipSeq(int count) {
        synchronized (sendLock) {
            pendingSkip += count;
        }
    }

    /** @return completes once the close frame is written (or could not be) */
    CompletableFuture<Void> close(int code, String reason) {
        CompletableFuture<Void> sent = new CompletableFuture<>();
        Session current = session;
        if (current != null && current.isOpen()) {
            current.close(code, reason, Callback.from(() -> sent.complete(null), sent::completeExceptionally));
        } else {
            sent.complete(null);
        }
        return sent;
    }

    void disconnect() {
        Session current = session;
        if (current != null) {
            current.disconnect();
        }
    }

    private void sendText(String text) {
        Session current = session;
        if (current == null || !current.isOpen()) {
            return;
        }
        long size = text.length();
        queuedBytes.addAndGet(size);
        current.sendText(text, Callback.from(() -> queuedBytes.addAndGet(-size), failure -> {
            queuedBytes.addAndGet(-size);
            log.debug("send to {} failed: {}", connId, failure.toString());
        }));
    }
}

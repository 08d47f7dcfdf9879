package io.crewstream.ingestor.upstream;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.upstream.ConnectionPhase.AwaitingChallenge;
import io.crewstream.ingestor.upstream.ConnectionPhase.Authenticating;
import io.crewstream.ingestor.upstream.ConnectionPhase.BackingOff;
import io.crewstream.ingestor.upstream.ConnectionPhase.Connecting;
import io.crewstream.ingestor.upstream.ConnectionPhase.Handshaken;
import io.crewstream.ingestor.upstream.ConnectionPhase.Idle;
import io.crewstream.ingestor.upstream.ConnectionPhase.Linked;
import io.crewstream.ingestor.upstream.ConnectionPhase.Listing;
import io.crewstream.ingestor.upstream.ConnectionPhase.Live;
import io.crewstream.ingestor.upstream.ConnectionPhase.Relisting;
import io.crewstream.ingestor.upstream.ConnectionPhase.Snapshotting;
import io.crewstream.ingestor.upstream.ConnectionPhase.Stopped;
import io.crewstream.ingestor.upstream.GatewayLink.AgentListState;
import io.crewstream.ingestor.upstream.GatewayLink.Request;
import io.crewstream.ingestor.upstream.UpstreamEffect.CancelTimer;
import io.crewstream.ingestor.upstream.UpstreamEffect.CloseSocket;
import io.crewstream.ingestor.upstream.UpstreamEffect.LimitFrameSize;
import io.crewstream.ingestor.upstream.UpstreamEffect.OpenSocket;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishAgentList;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishChange;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishRawFrame;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishRunEvent;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishSessionsVerified;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishSnapshot;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishStatus;
import io.crewstream.ingestor.upstream.UpstreamEffect.ScheduleTimer;
import io.crewstream.ingestor.upstream.UpstreamEffect.SendFrame;
import io.crewstream.ingestor.upstream.UpstreamInput.BinaryFrame;
import io.crewstream.ingestor.upstream.UpstreamInput.FrameReceived;
import io.crewstream.ingestor.upstream.UpstreamInput.InternalFailure;
import io.crewstream.ingestor.upstream.UpstreamInput.OpenFailed;
import io.crewstream.ingestor.upstream.UpstreamInput.OversizedFrame;
import io.crewstream.ingestor.upstream.UpstreamInput.PublishRecovered;
import io.crewstream.ingestor.upstream.UpstreamInput.SendFailed;
import io.crewstream.ingestor.upstream.UpstreamInput.SnapshotRequested;
import io.crewstream.ingestor.upstream.UpstreamInput.SocketClosed;
import io.crewstream.ingestor.upstream.UpstreamInput.SocketFailed;
import io.crewstream.ingestor.upstream.UpstreamInput.SocketOpened;
import io.crewstream.ingestor.upstream.UpstreamInput.Start;
import io.crewstream.ingestor.upstream.UpstreamInput.Stop;
import io.crewstream.ingestor.upstream.UpstreamInput.TimerFired;
import io.crewstream.ingestor.upstream.UpstreamMetrics.BadFrame;
import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.schemas.records.ConnectionReasonCode;
import io.crewstream.schemas.records.KafkaOutage;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.SnapshotRequest;
import io.crewstream.schemas.records.UpstreamState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * The protocol of one upstream gateway connection as a state machine: {@link UpstreamInput}s in,
 * {@link UpstreamEffect}s out, no I/O. It connects, handshakes, subscribes, publishes a full snapshot, turns every
 * {@code sessions.changed} into one record, lists again when it may have missed something (seq gap, keyless change,
 * bad frame, reconnect, reconciliation timer, Kafka recovery, the projector's request), watches the gateway's ticks,
 * and reconnects forever with backoff. A listing is published as a full snapshot or, when
 * {@link SnapshotReason#publishesFullSnapshot()} says so, as the differences from what was last published
 * ({@link PublishedSessions}) followed by a verification marker. Alongside the sessions it publishes every run step the
 * gateway reports ({@link RunActivity}) and the gateway's agent list after every connect and whenever the agents may
 * have changed ({@code config.changed}, a seq gap, the reconciliation timer); a failing {@code agents.list} is
 * reported and never touches the sessions. Every change of the link's state is published as a
 * {@link io.crewstream.schemas.records.ConnectionStatusEvent} ({@link StatusReport}), and the current one again
 * every {@code status-interval}.
 *
 * <p>{@code connected} is only reported when it is true: after the snapshot is published, and, when the last link
 * ended in a tick timeout, only once the new link has delivered a tick ({@code connecting}, {@code awaiting_tick}
 * until then). A re-snapshot that takes longer than {@code snapshot-overdue} holds live changes back, so it is
 * reported as {@code connecting} ({@code snapshot_overdue}) until it is published.
 *
 * <p>The phase ({@link ConnectionPhase}) is explicit; time comes only from the injected {@link Clock} and the inputs'
 * receive times, randomness only from the {@link ReconnectBackoff}. Meters are updated as things happen
 * ({@link UpstreamMetrics}).
 *
 * <p>Not thread-safe: one thread feeds it ({@link UpstreamSupervisor}'s, or a test's through
 * {@code UpstreamSessionDriver}).
 */
public final class UpstreamSession {

    private static final Logger log = LoggerFactory.getLogger(UpstreamSession.class);

    /** {@code policy.maxPayload} of a 2026.9.6 gateway; the limit until {@code hello-ok} gives the real one. */
    static final long DEFAULT_MAX_PAYLOAD = 26_214_400;

    /** Listings of one snapshot while sessions keep being removed, before it is published as good as it gets. */
    static final int MAX_LISTINGS_PER_SNAPSHOT = 3;

    static final int CLOSE_NORMAL = 1000;
    static final int CLOSE_TICK_TIMEOUT = 4000;
    static final int CLOSE_TRY_AGAIN_LATER = 1013;

    private static final int LOG_HEAD_CHARS = 200;

    /**
     * How much of a page of a differences-only re-list goes to raw-frames. Its rows are either the ones already
     * published or published as differences on session-events, so the whole page would only repeat them: at 10,000
     * sessions that was 1 GB an hour of raw frames for an idle gateway, nearly all an idle ingestor wrote.
     */
    static final int RELIST_PAGE_HEAD_CHARS = 1024;

    private final UpstreamTarget target;
    private final IngestorProperties.Connection settings;
    private final boolean activitySummaries;
    private final GatewayRequests requests;
    private final ReconnectBackoff backoff;
    private final UpstreamMetrics metrics;
    private final Clock clock;

    private ConnectionPhase phase = new Idle();
    private final List<UpstreamEffect> effects = new ArrayList<>();
    private long attempts;
    private boolean everConnected;
    // The last link ended in a tick timeout: the next one must prove the gateway ticks before it is "connected".
    private boolean ticksInDoubt;
    private final StatusReport status;
    private String agentListProblem;
    private final PublishedSessions published = new PublishedSessions();

    public UpstreamSession(UpstreamTarget target, IngestorProperties.Connection settings, boolean activitySummaries,
            String clientVersion, ReconnectBackoff backoff, UpstreamMetrics metrics, Clock clock) {
        this.target = target;
        this.settings = settings;
        this.activitySummaries = activitySummaries;
        this.requests = new GatewayRequests(clientVersion);
        this.backoff = backoff;
        this.metrics = metrics;
        this.clock = clock;
        this.status = new StatusReport(target.id(), target.displayUrl(), clock.millis());
    }

    /** Handles one input; returns what to do about it, in order. */
    public List<UpstreamEffect> handle(UpstreamInput input) {
        this.effects.clear();
        if (input instanceof Start) {
            start();
        }
        else if (input instanceof Stop stop) {
            stop(stop.mode());
        }
        else if (input instanceof SocketOpened) {
            opened();
        }
        else if (input instanceof OpenFailed failed) {
            openFailed(failed.failure());
        }
        else if (input instanceof SocketFailed failed) {
            socketFailed(failed.failure());
        }
        else if (input instanceof SocketClosed closed) {
            closed(closed.code(), closed.reason());
        }
        else if (input instanceof SendFailed failed) {
            sendFailed(failed.method(), failed.failure());
        }
        else if (input instanceof FrameReceived frame) {
            text(frame.text(), frame.sizeBytes(), frame.receivedAt());
        }
        else if (input instanceof OversizedFrame frame) {
            oversized(frame.head(), frame.sizeBytes(), frame.receivedAt());
        }
        else if (input instanceof BinaryFrame frame) {
            binary(frame.sizeBytes(), frame.receivedAt());
        }
        else if (input instanceof TimerFired fired) {
            timerFired(fired.timer());
        }
        else if (input instanceof PublishRecovered recovered) {
            publishRecovered(recovered.outage());
        }
        else if (input instanceof SnapshotRequested requested) {
            snapshotRequested(requested.request());
        }
        else if (input instanceof InternalFailure failure) {
            internalFailure(failure.failure());
        }
        return List.copyOf(this.effects);
    }

    /** The phase the session is in; for specifications. */
    ConnectionPhase phase() {
        return this.phase;
    }

    /** The last reported state. */
    public UpstreamStatus status() {
        return this.status.current();
    }

    /** Epoch ms of the last frame from the gateway, null before any. */
    public Long lastFrameAt() {
        return this.status.lastFrameAt();
    }

    /** Why the last {@code agents.list} gave no list, null when it did (or none was asked yet). */
    public String agentListProblem() {
        return this.agentListProblem;
    }

    private boolean running() {
        return !(this.phase instanceof Idle || this.phase instanceof Stopped);
    }

    // ---- start and stop ----------------------------------------------------------------------------------------

    private void start() {
        if (running()) {
            return;
        }
        // Running from here on, so that the first status already promises its restatements.
        this.phase = new BackingOff();
        report(UpstreamState.CONNECTING, "connecting to " + this.target.displayUrl(), null);
        schedule(SessionTimer.RESTATEMENT, this.settings.statusInterval());
        connect();
    }

    private void stop(StopMode mode) {
        if (!running()) {
            return;
        }
        emit(new CancelTimer(SessionTimer.RESTATEMENT));
        emit(new CancelTimer(SessionTimer.RECONNECT));
        if (this.phase instanceof Linked linked) {
            if (mode == StopMode.SILENT) {
                // Run steps held for a snapshot are dropped with the link: the next owner's snapshot supersedes them.
                linked.link().heldRunEvents.drain();
            }
            dropLink(linked.link(), CLOSE_NORMAL, "ingestor stopping");
        }
        this.phase = new Stopped();
        switch (mode) {
            case SHUTDOWN -> report(UpstreamState.DISCONNECTED, "ingestor stopped", ConnectionReasonCode.STOPPED);
            case HANDOVER -> report(UpstreamState.CONNECTING, "handed over to another ingestor instance",
                    ConnectionReasonCode.HANDED_OVER);
            case SILENT -> {
                // Another instance owns the gateway now; this one may not write for it, not even its last status.
                this.status.update(UpstreamState.DISCONNECTED, "no longer owned by this ingestor instance", null,
                        this.clock.millis());
                this.metrics.state(UpstreamState.DISCONNECTED);
            }
        }
    }

    // ---- connecting --------------------------------------------------------------------------------------------

    private void connect() {
        if (this.attempts++ > 0) {
            this.metrics.reconnect();
        }
        GatewayLink link = new GatewayLink(this.clock.millis(), this.settings.handshakeTickInterval().toMillis(),
                DEFAULT_MAX_PAYLOAD);
        this.phase = new Connecting(link);
        startWatchdog(link);
        log.debug("[{}] Connecting to {}", this.target.id(), this.target.displayUrl());
        emit(new OpenSocket());
    }

    private void opened() {
        if (this.phase instanceof Connecting connecting) {
            this.phase = new AwaitingChallenge(connecting.link());
            log.debug("[{}] Socket open, waiting for connect.challenge", this.target.id());
        }
    }

    private void openFailed(Throwable failure) {
        if (!(this.phase instanceof Linked)) {
            return;
        }
        ConnectFailure unreachable = ConnectFailure.classify(failure, this.target.displayUrl(),
                this.target.url().getHost(), this.settings.connectTimeout());
        lose(UpstreamState.UNREACHABLE, unreachable.reason(), unreachable.code().wireName(), this.backoff.next(),
                CLOSE_NORMAL);
    }

    private void socketFailed(Throwable failure) {
        if (this.phase instanceof Connecting) {
            openFailed(failure);
        }
        else if (this.phase instanceof Linked) {
            lose(UpstreamState.DISCONNECTED, "connection failed: " + ConnectFailure.describe(failure),
                    ConnectionReasonCode.IO_ERROR, this.backoff.next());
        }
    }

    private void sendFailed(String method, Throwable failure) {
        if (this.phase instanceof Linked) {
            lose(UpstreamState.DISCONNECTED, "could not send " + method + ": " + ConnectFailure.describe(failure),
                    ConnectionReasonCode.IO_ERROR, this.backoff.next());
        }
    }

    private void closed(int code, String reason) {
        if (!(this.phase instanceof Linked linked)) {
            return;
        }
        GatewayLink.Shutdown shutdown = linked.link().shutdown;
        String said = reason == null || reason.isBlank() ? "" : " \"" + reason + "\"";
        if (shutdown != null && shutdown.restartExpectedMs() != null) {
            lose(UpstreamState.DISCONNECTED, "gateway restarting (shutdown event, restart expected in "
                    + shutdown.restartExpectedMs() + " ms)", ConnectionReasonCode.SHUTDOWN,
                    Duration.ofMillis(shutdown.restartExpectedMs()));
        }
        else if (code == CLOSE_TRY_AGAIN_LATER) {
            lose(UpstreamState.CONNECTING, "gateway starting (close 1013" + said + ")",
                    ConnectionReasonCode.GATEWAY_STARTING, this.backoff.next());
        }
        else if (shutdown != null) {
            lose(UpstreamState.DISCONNECTED, "gateway shut down: " + shutdown.reason(), ConnectionReasonCode.SHUTDOWN,
                    this.backoff.next());
        }
        else {
            lose(UpstreamState.DISCONNECTED, "closed by the gateway with code " + code + said,
                    ConnectionReasonCode.CLOSED, this.backoff.next());
        }
    }

    // ---- frames ------------------------------------------------------------------------------------------------

    private void text(String text, int sizeBytes, long receivedAt) {
        if (!(this.phase instanceof Linked linked)) {
            return;
        }
        frameArrived(linked.link(), receivedAt);
        GatewayFrame frame;
        try {
            frame = GatewayFrame.parse(text);
        }
        catch (MalformedFrameException ex) {
            // Not JSON, so the parsed redaction below cannot run; a cut hello-ok may still carry its deviceToken.
            String redacted = Redaction.redactedUnparsed(text);
            emit(new PublishRawFrame(this.target.id(), receivedAt, GatewayFrame.MALFORMED, null, null, sizeBytes,
                    redacted, false));
            badFrame(BadFrame.MALFORMED, ex.getMessage(), sizeBytes, redacted);
            return;
        }
        String redacted = Redaction.redactedText(frame.root());
        String recorded = redacted != null ? redacted : text;
        if (isDifferencesOnlyPage(linked.link(), frame) && recorded.length() > RELIST_PAGE_HEAD_CHARS) {
            emit(new PublishRawFrame(this.target.id(), receivedAt, frame.type(), frame.event(), frame.seq(),
                    sizeBytes, recorded.substring(0, RELIST_PAGE_HEAD_CHARS), true));
        }
        else {
            emit(new PublishRawFrame(this.target.id(), receivedAt, frame.type(), frame.event(), frame.seq(),
                    sizeBytes, recorded, false));
        }
        switch (frame.type()) {
            case GatewayFrame.RESPONSE -> response(linked.link(), frame);
            case GatewayFrame.EVENT -> event(linked.link(), frame, receivedAt);
            default -> log.debug("[{}] Ignoring a '{}' frame from the gateway", this.target.id(), frame.type());
        }
    }

    /** The answer to a page request of a re-list that publishes only differences ({@link #RELIST_PAGE_HEAD_CHARS}). */
    private boolean isDifferencesOnlyPage(GatewayLink link, GatewayFrame frame) {
        return GatewayFrame.RESPONSE.equals(frame.type()) && this.phase instanceof Listing listing
                && !listing.load().reason().publishesFullSnapshot()
                && link.pending.get(frame.id()) == Request.LIST_PAGE;
    }

    private void oversized(String head, long sizeBytes, long receivedAt) {
        if (!(this.phase instanceof Linked linked)) {
            return;
        }
        frameArrived(linked.link(), receivedAt);
        String redacted = Redaction.redactedUnparsed(head);
        emit(new PublishRawFrame(this.target.id(), receivedAt, GatewayFrame.MALFORMED, null, null, sizeBytes,
                redacted, true));
        badFrame(BadFrame.OVERSIZED, "larger than the gateway's maxPayload (" + linked.link().maxPayload + " bytes)",
                sizeBytes, redacted);
    }

    private void binary(int sizeBytes, long receivedAt) {
        if (!(this.phase instanceof Linked linked)) {
            return;
        }
        frameArrived(linked.link(), receivedAt);
        emit(new PublishRawFrame(this.target.id(), receivedAt, GatewayFrame.MALFORMED, null, null, sizeBytes, "",
                true));
        badFrame(BadFrame.BINARY, "a binary message (the protocol has none)", sizeBytes, "");
    }

    private void frameArrived(GatewayLink link, long receivedAt) {
        link.lastFrameAt = receivedAt;
        this.status.frameAt(receivedAt);
        this.metrics.frameReceived();
    }

    /** Counted, logged (truncated), and answered with a resync; never a crash and never a retry of the same frame. */
    private void badFrame(BadFrame kind, String problem, long sizeBytes, String text) {
        this.metrics.badFrame(kind);
        log.warn("[{}] Discarded a bad frame from the gateway ({} bytes): {}. Starts with: {}", this.target.id(),
                sizeBytes, problem, head(text));
        if (this.phase instanceof Handshaken) {
            requestSnapshot(SnapshotReason.MALFORMED_FRAME);
        }
        else {
            lose(UpstreamState.DISCONNECTED, "bad frame during the handshake: " + problem,
                    ConnectionReasonCode.MALFORMED_FRAME, this.backoff.next());
        }
    }

    private void response(GatewayLink link, GatewayFrame frame) {
        Request request = link.pending.remove(frame.id());
        if (request == null) {
            log.debug("[{}] Response to unknown request id {}", this.target.id(), frame.id());
            return;
        }
        emit(new CancelTimer(new SessionTimer.RequestTimeout(frame.id())));
        switch (request) {
            case CONNECT -> connectAnswered(link, frame);
            case SUBSCRIBE -> subscribeAnswered(frame);
            case LIST_PAGE -> pageAnswered(frame);
            case AGENTS_LIST -> agentsListed(frame);
        }
    }

    private void event(GatewayLink link, GatewayFrame frame, long receivedAt) {
        if (frame.seq() != null) {
            if (frame.seq() <= link.lastSeq) {
                log.debug("[{}] Ignoring event {} with repeated or lower seq {} (last {})", this.target.id(),
                        frame.event(), frame.seq(), link.lastSeq);
                return;
            }
            boolean gap = frame.seq() > link.lastSeq + 1;
            if (gap) {
                log.warn("[{}] Events were lost upstream (seq jumped from {} to {}); re-snapshotting",
                        this.target.id(), link.lastSeq, frame.seq());
            }
            link.lastSeq = frame.seq();
            if (gap) {
                requestSnapshot(SnapshotReason.SEQ_GAP);
                // What was lost may have been a config.changed.
                listAgents();
            }
        }
        boolean followsKeyedDelete = link.previousEventWasKeyedDelete;
        link.previousEventWasKeyedDelete = false;
        switch (frame.event()) {
            case "connect.challenge" -> challenged(link);
            case "shutdown" -> shutdownAnnounced(link, frame.payload());
            case "sessions.changed" -> sessionsChanged(link, frame, receivedAt, followsKeyedDelete);
            case "tick" -> tickArrived();
            case RunActivity.AGENT, RunActivity.CHAT, RunActivity.SESSION_TOOL -> runActivity(link, frame, receivedAt);
            // Agents live in the gateway's configuration; it announces no agent event of its own (2026.9.6).
            case "config.changed" -> listAgents();
            default -> {
                // health, presence and the rest: their arrival is what the watchdog needs.
            }
        }
    }

    private void shutdownAnnounced(GatewayLink link, JsonNode payload) {
        JsonNode restart = payload.get("restartExpectedMs");
        link.shutdown = new GatewayLink.Shutdown(payload.path("reason").asString("unspecified"),
                restart != null && restart.isNumber() && restart.asLong() >= 0 ? restart.asLong() : null);
        log.info("[{}] Gateway announced shutdown ({}); {}", this.target.id(), link.shutdown.reason(),
                link.shutdown.restartExpectedMs() != null
                        ? "restart expected in " + link.shutdown.restartExpectedMs() + " ms"
                        : "no restart announced");
    }

    // ---- handshake ---------------------------------------------------------------------------------------------

    private void challenged(GatewayLink link) {
        if (!(this.phase instanceof AwaitingChallenge)) {
            log.debug("[{}] Ignoring a repeated connect.challenge", this.target.id());
            return;
        }
        this.phase = new Authenticating(link);
        // The frame holds the token: it goes to the socket only (outbound frames are never recorded).
        send(link, Request.CONNECT, id -> this.requests.connect(id, this.target.token()));
    }

    private void connectAnswered(GatewayLink link, GatewayFrame frame) {
        if (!frame.ok()) {
            GatewayError error = GatewayError.from(frame.error());
            if (error.isUnavailable()) {
                Duration wait = error.retryAfterMs() != null ? Duration.ofMillis(error.retryAfterMs())
                        : this.backoff.next();
                lose(UpstreamState.CONNECTING, "gateway not ready: " + error.describe(), error.mostSpecificCode(),
                        wait, CLOSE_NORMAL);
            }
            else if (error.isAuthFailure()) {
                lose(UpstreamState.AUTH_FAILED, "gateway rejected the connection: " + error.describe(),
                        error.mostSpecificCode(), authRetryDelay(error), CLOSE_NORMAL);
            }
            else {
                lose(UpstreamState.DISCONNECTED, "gateway rejected connect: " + error.describe(),
                        error.mostSpecificCode(), this.backoff.next(), CLOSE_NORMAL);
            }
            return;
        }
        HelloOk hello = HelloOk.from(frame.payload());
        if (hello.protocol() == null || hello.protocol() != GatewayRequests.PROTOCOL_VERSION) {
            lose(UpstreamState.DISCONNECTED, "gateway negotiated protocol " + hello.protocol() + ", expected "
                    + GatewayRequests.PROTOCOL_VERSION, ConnectionReasonCode.PROTOCOL_MISMATCH, this.backoff.next());
            return;
        }
        if (!hello.scopes().contains(GatewayRequests.READ_SCOPE)) {
            lose(UpstreamState.AUTH_FAILED, "gateway granted scopes " + hello.scopes() + " without "
                    + GatewayRequests.READ_SCOPE + " (use a loopback connection or a paired device)",
                    ConnectionReasonCode.INSUFFICIENT_SCOPE, this.settings.authRetryInterval());
            return;
        }
        this.status.gatewayVersion(hello.serverVersion());
        link.tickIntervalMs = hello.tickIntervalMs() != null ? hello.tickIntervalMs()
                : this.settings.handshakeTickInterval().toMillis();
        link.maxPayload = hello.maxPayload() != null ? hello.maxPayload() : DEFAULT_MAX_PAYLOAD;
        emit(new LimitFrameSize(link.maxPayload));
        startWatchdog(link);
        log.info("[{}] Handshake done with gateway {} at {} (tick {} ms); subscribing", this.target.id(),
                hello.serverVersion(), this.target.displayUrl(), link.tickIntervalMs);
        SnapshotLoad load = new SnapshotLoad(this.everConnected ? SnapshotReason.RECONNECT : SnapshotReason.INITIAL,
                this.clock.millis());
        this.phase = new Snapshotting(link, hello, load);
        send(link, Request.SUBSCRIBE, id -> this.requests.sessionsSubscribe(id, this.settings.pageSize()));
        listAgents();
    }

    private Duration authRetryDelay(GatewayError error) {
        Duration interval = this.settings.authRetryInterval();
        if (error.retryAfterMs() != null && error.retryAfterMs() > interval.toMillis()) {
            return Duration.ofMillis(error.retryAfterMs());
        }
        return interval;
    }

    // ---- snapshots and changes ---------------------------------------------------------------------------------

    /** Lists again now, or right after the listing under way (which may predate the reason). */
    private void requestSnapshot(SnapshotReason reason) {
        if (this.phase instanceof Listing listing) {
            listing.load().listAgainAfter(reason);
        }
        else if (this.phase instanceof Live live) {
            relist(live, reason);
        }
    }

    /**
     * Lists every page again. Changes that arrive meanwhile are held back: published before the listing, they would
     * be overwritten by the (possibly older) listed rows.
     */
    private void relist(Live live, SnapshotReason reason) {
        SnapshotLoad load = new SnapshotLoad(reason, this.clock.millis());
        this.phase = new Relisting(live.link(), live.hello(), load);
        schedule(SessionTimer.SNAPSHOT_OVERDUE, this.settings.snapshotOverdue());
        requestPage(live.link(), load, 0);
    }

    private void subscribeAnswered(GatewayFrame frame) {
        if (!(this.phase instanceof Listing listing)) {
            return;
        }
        if (!frame.ok()) {
            listFailed(GatewayRequests.SESSIONS_SUBSCRIBE, frame);
            return;
        }
        JsonNode list = frame.payload().path("list");
        if (!list.isObject()) {
            // Subscribed without the atomic first page: list from the start, changes are already being held back.
            requestPage(listing.link(), listing.load(), 0);
            return;
        }
        pageArrived(listing, list);
    }

    private void pageAnswered(GatewayFrame frame) {
        if (!(this.phase instanceof Listing listing)) {
            return;
        }
        if (frame.ok()) {
            pageArrived(listing, frame.payload());
        }
        else {
            listFailed(GatewayRequests.SESSIONS_LIST, frame);
        }
    }

    private void requestPage(GatewayLink link, SnapshotLoad load, long offset) {
        load.offset(offset);
        send(link, Request.LIST_PAGE, id -> this.requests.sessionsList(id, this.settings.pageSize(), offset));
    }

    private void pageArrived(Listing listing, JsonNode result) {
        SnapshotLoad load = listing.load();
        SessionsPage page;
        try {
            page = SessionsPage.from(result);
        }
        catch (MalformedFrameException ex) {
            lose(UpstreamState.DISCONNECTED, "unusable sessions.list result: " + ex.getMessage(),
                    ConnectionReasonCode.MALFORMED_RESULT, this.backoff.next());
            return;
        }
        if (!page.rejectedRows().isEmpty()) {
            this.metrics.rejectedRows(page.rejectedRows().size());
            log.warn("[{}] Left out {} session rows without a usable key, e.g.: {}", this.target.id(),
                    page.rejectedRows().size(), page.rejectedRows().get(0));
        }
        load.add(page.rows());
        if (page.hasMore()) {
            if (page.nextOffset() <= load.offset()) {
                lose(UpstreamState.DISCONNECTED, "sessions.list paging does not advance (offset " + load.offset()
                        + ", nextOffset " + page.nextOffset() + ")", ConnectionReasonCode.MALFORMED_RESULT,
                        this.backoff.next());
                return;
            }
            requestPage(listing.link(), load, page.nextOffset());
            return;
        }
        listed(listing);
    }

    private void listFailed(String method, GatewayFrame frame) {
        GatewayError error = GatewayError.from(frame.error());
        UpstreamState state = error.isAuthFailure() ? UpstreamState.AUTH_FAILED : UpstreamState.DISCONNECTED;
        Duration wait = state == UpstreamState.AUTH_FAILED ? authRetryDelay(error) : this.backoff.next();
        lose(state, method + " failed: " + error.describe(), error.mostSpecificCode(), wait, CLOSE_NORMAL);
    }

    /** The last page is in: list once more if rows may have been skipped, else publish. */
    private void listed(Listing listing) {
        SnapshotLoad load = listing.load();
        if (load.mayHaveSkippedRows()) {
            if (load.listings() < MAX_LISTINGS_PER_SNAPSHOT) {
                log.debug("[{}] Sessions were removed while snapshot ({}) was listed, so a row may have been "
                        + "skipped between pages; listing again", this.target.id(), load.reason());
                load.relist(this.clock.millis());
                requestPage(listing.link(), load, 0);
                return;
            }
            log.warn("[{}] Sessions kept being removed while snapshot ({}) was listed ({} times); publishing it "
                    + "anyway: a session moved between pages may be missing until the next reconciliation",
                    this.target.id(), load.reason(), load.listings());
        }
        GatewayLink link = listing.link();
        emit(new CancelTimer(SessionTimer.SNAPSHOT_OVERDUE));
        HeldRunEvents.Split held = link.heldRunEvents.split();
        held.beforeSnapshot().forEach(this::publishRunEvent);
        // The listed rows hold each key's latest held change, so the held changes are not published after them:
        // replayed, they would move a key back through its older versions before ending where it already is.
        List<SessionRow> rows = load.rows();
        long now = this.clock.millis();
        if (load.reason().publishesFullSnapshot()) {
            emit(new PublishSnapshot(this.target.id(), load.reason(), rows, now, load.listedFrom(),
                    load.startedAt()));
            this.published.replace(rows, now);
        }
        else {
            publishDifferences(load, rows, now);
        }
        held.afterSnapshot().forEach(this::publishRunEvent);
        this.phase = new Live(link, listing.hello());
        if (listing instanceof Snapshotting) {
            this.everConnected = true;
            this.backoff.reset();
            schedule(SessionTimer.RECONCILIATION, this.settings.reconciliationInterval());
        }
        reportReady();
        if (load.next() != null) {
            relist((Live) this.phase, load.next());
        }
    }

    /**
     * Publishes what differs between the listing and what was last published ({@link PublishedSessions}), then the
     * marker with the count and digest of the result, which the projector checks its table against.
     */
    private void publishDifferences(SnapshotLoad load, List<SessionRow> rows, long now) {
        List<SessionEvent> changes = this.published.differences(this.target.id(), load.reason(), rows, now);
        changes.forEach(this::publishChange);
        emit(new PublishSessionsVerified(this.target.id(), load.reason(), this.published.count(),
                this.published.digest(), changes.size(), Math.min(load.listedFrom(), now), now, load.startedAt()));
    }

    private void sessionsChanged(GatewayLink link, GatewayFrame frame, long receivedAt, boolean followsKeyedDelete) {
        if (!(this.phase instanceof Handshaken handshaken)) {
            return;
        }
        SessionChange change = SessionChange.of(this.target.id(), frame.payload(), frame.seq(), receivedAt);
        if (change instanceof SessionChange.Publish publish) {
            link.previousEventWasKeyedDelete = publish.event() instanceof SessionRemoved;
            if (handshaken instanceof Listing listing) {
                listing.load().hold(publish.event());
            }
            else {
                publishChange(publish.event());
            }
        }
        else if (change instanceof SessionChange.Reload reload && reload.keylessDelete() && followsKeyedDelete) {
            log.debug("[{}] {} right after the keyed delete it repeats: already handled", this.target.id(),
                    reload.why());
        }
        else if (change instanceof SessionChange.Reload reload) {
            log.debug("[{}] {}: listing again", this.target.id(), reload.why());
            if (handshaken instanceof Listing listing) {
                // Whatever changed may have been a removal.
                listing.load().rowsMayHaveShiftedBack();
            }
            requestSnapshot(SnapshotReason.RELOAD_REQUESTED);
        }
    }

    private void publishChange(SessionEvent event) {
        emit(new PublishChange(event));
        this.published.apply(event);
    }

    private void reconciliationDue() {
        if (!(this.phase instanceof Live || this.phase instanceof Relisting)) {
            return;
        }
        requestSnapshot(SnapshotReason.RECONCILIATION);
        // config.changed may be dropped for a slow reader.
        listAgents();
        schedule(SessionTimer.RECONCILIATION, this.settings.reconciliationInterval());
    }

    /** A re-snapshot is taking long: live changes are held back meanwhile, so the connection is not "connected". */
    private void snapshotOverdue() {
        if (this.phase instanceof Relisting relisting) {
            report(UpstreamState.CONNECTING, "snapshot (" + relisting.load().reason() + ") still being listed after "
                    + this.settings.snapshotOverdue().toMillis() + " ms; live changes are held back until it is "
                    + "published", ConnectionReasonCode.SNAPSHOT_OVERDUE);
        }
    }

    private void publishRecovered(KafkaOutage outage) {
        if (!running()) {
            return;
        }
        publishStatus(outage);
        if (this.phase instanceof Live || this.phase instanceof Relisting) {
            requestSnapshot(SnapshotReason.PUBLISH_RECOVERED);
        }
    }

    private void snapshotRequested(SnapshotRequest request) {
        if (!running()) {
            return;
        }
        Long fullSnapshotAt = this.published.fullSnapshotAt();
        if (fullSnapshotAt != null && request.requestedAt() != null && fullSnapshotAt > request.requestedAt()) {
            log.info("[{}] Full snapshot requested by {} ({}) at {}: one was published since, at {}",
                    this.target.id(), request.requestedBy(), request.reason(), request.requestedAt(), fullSnapshotAt);
            return;
        }
        if (this.phase instanceof Listing listing && listing.load().reason().publishesFullSnapshot()) {
            log.info("[{}] Full snapshot requested by {} ({}): one is being listed", this.target.id(),
                    request.requestedBy(), request.reason());
            return;
        }
        log.info("[{}] Full snapshot requested by {} ({}): {}", this.target.id(), request.requestedBy(),
                request.reason(), request.detail());
        // Not connected: the reconnect publishes a full snapshot anyway.
        if (this.phase instanceof Live || this.phase instanceof Relisting) {
            requestSnapshot(SnapshotReason.TABLE_MISMATCH);
        }
    }

    /**
     * The link is ready and its snapshot is out: "connected", unless the gateway has yet to show it ticks again. The
     * report is a no-op when that is already the state.
     */
    private void reportReady() {
        if (this.ticksInDoubt) {
            report(UpstreamState.CONNECTING, "reconnected after a tick timeout; waiting for the gateway's next tick",
                    ConnectionReasonCode.AWAITING_TICK);
        }
        else {
            report(UpstreamState.CONNECTED, null, null);
        }
    }

    private void tickArrived() {
        if (this.ticksInDoubt) {
            this.ticksInDoubt = false;
            if (this.phase instanceof Live) {
                reportReady();
            }
        }
    }

    // ---- run activity and agents -------------------------------------------------------------------------------

    /**
     * One run step: published at once, or, while a snapshot is being listed, held back and published around it
     * ({@link HeldRunEvents}); a run's end first gets the usage its {@code usage} stream reported
     * ({@link RunUsageTracker}). A frame that gives no step is reported and dropped; raw-frames already has it.
     */
    private void runActivity(GatewayLink link, GatewayFrame frame, long receivedAt) {
        if (!(this.phase instanceof Handshaken)) {
            return;
        }
        RunActivity activity = RunActivity.of(this.target.id(), frame.event(), frame.payload(), receivedAt,
                this.activitySummaries);
        if (activity instanceof RunActivity.Usage usage) {
            link.runUsage.report(usage);
        }
        else if (activity instanceof RunActivity.Publish step) {
            RunActivity.Publish publish = link.runUsage.attach(step);
            if (this.phase instanceof Listing) {
                link.heldRunEvents.hold(publish);
            }
            else {
                publishRunEvent(publish);
            }
        }
        else if (activity instanceof RunActivity.Malformed malformed) {
            this.metrics.malformedActivity();
            log.warn("[{}] Could not read a run step from the gateway's '{}' event (kept in raw-frames): {}",
                    this.target.id(), frame.event(), malformed.reason());
        }
        else if (activity instanceof RunActivity.Ignore ignore && log.isTraceEnabled()) {
            log.trace("[{}] Not a run step: {}", this.target.id(), ignore.why());
        }
    }

    private void publishRunEvent(RunActivity.Publish publish) {
        emit(new PublishRunEvent(publish.event(), publish.eventId()));
        this.metrics.runEvent(publish.event().kind());
    }

    /** Lists the agents now, or once more right after the listing in flight (which may predate the change). */
    private void listAgents() {
        if (!(this.phase instanceof Handshaken handshaken)) {
            return;
        }
        GatewayLink link = handshaken.link();
        if (link.agents == AgentListState.IDLE) {
            link.agents = AgentListState.LISTING;
            send(link, Request.AGENTS_LIST, this.requests::agentsList);
        }
        else {
            link.agents = AgentListState.LISTING_THEN_AGAIN;
        }
    }

    private void agentsListed(GatewayFrame frame) {
        if (!frame.ok()) {
            agentListFailed(GatewayRequests.AGENTS_LIST + " failed: " + GatewayError.from(frame.error()).describe());
            return;
        }
        AgentListing listing;
        try {
            listing = AgentListing.from(this.target.id(), frame.payload(), this.clock.millis());
        }
        catch (MalformedFrameException ex) {
            agentListFailed(ex.getMessage());
            return;
        }
        if (!listing.rejected().isEmpty()) {
            log.warn("[{}] Left {} agents out of the agent list: {}", this.target.id(), listing.rejected().size(),
                    listing.rejected());
        }
        emit(new PublishAgentList(listing.list()));
        this.metrics.agentListPublished();
        this.agentListProblem = null;
        log.debug("[{}] Published the agent list ({} agents)", this.target.id(), listing.list().agents().size());
        agentListingDone();
    }

    /** Reported (log, metric, health) and left at that: sessions and run events carry on without it. */
    private void agentListFailed(String problem) {
        this.metrics.agentListFailed();
        if (problem.equals(this.agentListProblem)) {
            log.debug("[{}] Still no agent list: {}", this.target.id(), problem);
        }
        else {
            log.warn("[{}] No agent list: {}. Sessions and run activity are not affected; it is asked for again "
                    + "on the next reconnect, config change or reconciliation", this.target.id(), problem);
        }
        this.agentListProblem = problem;
        agentListingDone();
    }

    private void agentListingDone() {
        if (!(this.phase instanceof Handshaken handshaken)) {
            return;
        }
        GatewayLink link = handshaken.link();
        boolean again = link.agents == AgentListState.LISTING_THEN_AGAIN;
        link.agents = AgentListState.IDLE;
        if (again) {
            listAgents();
        }
    }

    // ---- requests and timers -----------------------------------------------------------------------------------

    private void send(GatewayLink link, Request request, Function<String, String> frameForId) {
        String id = link.nextRequest(request);
        schedule(new SessionTimer.RequestTimeout(id), this.settings.requestTimeout());
        emit(new SendFrame(request.method, frameForId.apply(id)));
    }

    private void timerFired(SessionTimer timer) {
        if (timer instanceof SessionTimer.Reconnect) {
            if (this.phase instanceof BackingOff) {
                connect();
            }
        }
        else if (timer instanceof SessionTimer.Watchdog) {
            checkTicks();
        }
        else if (timer instanceof SessionTimer.RequestTimeout timeout) {
            requestTimedOut(timeout.requestId());
        }
        else if (timer instanceof SessionTimer.SnapshotOverdue) {
            snapshotOverdue();
        }
        else if (timer instanceof SessionTimer.Reconciliation) {
            reconciliationDue();
        }
        else if (timer instanceof SessionTimer.Restatement) {
            restate();
        }
    }

    /**
     * A request whose answer the connection cannot do without drops it when unanswered; an unanswered
     * {@code agents.list} is only reported.
     */
    private void requestTimedOut(String id) {
        if (!(this.phase instanceof Linked linked)) {
            return;
        }
        Request request = linked.link().pending.remove(id);
        if (request == null) {
            return;
        }
        String problem = request.method + " unanswered after " + this.settings.requestTimeout().toMillis() + " ms";
        if (request == Request.AGENTS_LIST) {
            agentListFailed(problem);
        }
        else {
            lose(UpstreamState.DISCONNECTED, problem, ConnectionReasonCode.REQUEST_TIMEOUT, this.backoff.next());
        }
    }

    private void startWatchdog(GatewayLink link) {
        schedule(SessionTimer.WATCHDOG, watchdogPeriod(link));
    }

    private static Duration watchdogPeriod(GatewayLink link) {
        return Duration.ofMillis(Math.max(25, link.tickIntervalMs / 4));
    }

    private void checkTicks() {
        if (!(this.phase instanceof Linked linked)) {
            return;
        }
        GatewayLink link = linked.link();
        long silentFor = this.clock.millis() - link.lastFrameAt;
        if (silentFor > 2 * link.tickIntervalMs) {
            this.ticksInDoubt = true;
            lose(UpstreamState.DISCONNECTED, "tick timeout: no frame for " + silentFor + " ms (tick interval "
                    + link.tickIntervalMs + " ms)", ConnectionReasonCode.TICK_TIMEOUT.wireName(), this.backoff.next(),
                    CLOSE_TICK_TIMEOUT);
        }
        else {
            startWatchdog(link);
        }
    }

    private void schedule(SessionTimer timer, Duration delay) {
        emit(new ScheduleTimer(timer, delay));
    }

    // ---- losing the link ---------------------------------------------------------------------------------------

    private void lose(UpstreamState state, String reason, ConnectionReasonCode code, Duration retryIn) {
        lose(state, reason, code.wireName(), retryIn, CLOSE_NORMAL);
    }

    /**
     * Ends the link for good and schedules the next attempt.
     *
     * @param reasonCode one of {@link ConnectionReasonCode}, or the gateway's own code of a rejection
     */
    private void lose(UpstreamState state, String reason, String reasonCode, Duration retryIn, int closeCode) {
        if (!(this.phase instanceof Linked linked)) {
            return;
        }
        dropLink(linked.link(), closeCode, closeCode == CLOSE_TICK_TIMEOUT ? "tick timeout" : "reconnecting");
        this.phase = new BackingOff();
        if (reportWithCode(state, reason, reasonCode)) {
            log.warn("[{}] {}: {}; next attempt in {} ms", this.target.id(), state.wireName(), reason,
                    retryIn.toMillis());
        }
        else {
            // Same state and reason as the last attempt: said once at WARN, the repeats are noise.
            log.debug("[{}] still {}: {}; next attempt in {} ms", this.target.id(), state.wireName(), reason,
                    retryIn.toMillis());
        }
        schedule(SessionTimer.RECONNECT, retryIn);
    }

    private void dropLink(GatewayLink link, int closeCode, String closeReason) {
        // No snapshot will follow on this link to order them around; they happened, so they are published.
        link.heldRunEvents.drain().forEach(this::publishRunEvent);
        emit(new CancelTimer(SessionTimer.WATCHDOG));
        emit(new CancelTimer(SessionTimer.SNAPSHOT_OVERDUE));
        emit(new CancelTimer(SessionTimer.RECONCILIATION));
        link.pending.keySet().forEach(id -> emit(new CancelTimer(new SessionTimer.RequestTimeout(id))));
        link.pending.clear();
        emit(new CloseSocket(closeCode, closeReason));
    }

    /** A bug in handling an input: drop the link and start over rather than carry on in an unknown state. */
    private void internalFailure(RuntimeException failure) {
        log.error("[{}] Unexpected failure; reconnecting", this.target.id(), failure);
        String reason = "internal error: " + ConnectFailure.describe(failure);
        if (this.phase instanceof Linked) {
            lose(UpstreamState.DISCONNECTED, reason, ConnectionReasonCode.INTERNAL_ERROR, this.backoff.next());
        }
        else if (this.phase instanceof BackingOff) {
            report(UpstreamState.DISCONNECTED, reason, ConnectionReasonCode.INTERNAL_ERROR);
            schedule(SessionTimer.RECONNECT, this.backoff.next());
        }
    }

    // ---- status ------------------------------------------------------------------------------------------------

    private boolean report(UpstreamState state, String reason, ConnectionReasonCode code) {
        return reportWithCode(state, reason, code == null ? null : code.wireName());
    }

    /**
     * Publishes a status event when the state, its code or its reason differ from the last one.
     *
     * @param reasonCode one of {@link ConnectionReasonCode}, or the gateway's own code of a rejection
     * @return whether an event was published
     */
    private boolean reportWithCode(UpstreamState state, String reason, String reasonCode) {
        boolean changed = this.status.update(state, reason, reasonCode, this.clock.millis());
        this.metrics.state(state);
        if (changed) {
            publishStatus(null);
        }
        return changed;
    }

    /** The current status once more, with the latest tick time: nothing changed, and readers should know it. */
    private void restate() {
        if (running()) {
            publishStatus(null);
            schedule(SessionTimer.RESTATEMENT, this.settings.statusInterval());
        }
    }

    /** Promises the next restatement while running; the last status before a stop promises none. */
    private void publishStatus(KafkaOutage outage) {
        Long interval = running() ? this.settings.statusInterval().toMillis() : null;
        emit(new PublishStatus(this.status.event(this.clock.millis(), interval, outage)));
    }

    private void emit(UpstreamEffect effect) {
        this.effects.add(effect);
    }

    private static String head(String text) {
        return text.length() <= LOG_HEAD_CHARS ? text : text.substring(0, LOG_HEAD_CHARS) + "…";
    }
}

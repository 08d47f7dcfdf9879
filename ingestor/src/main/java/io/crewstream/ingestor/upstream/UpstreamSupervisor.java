package io.crewstream.ingestor.upstream;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.publish.UpstreamOutput;
import io.crewstream.ingestor.upstream.UpstreamMetrics.BadFrame;
import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.KafkaOutage;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.SnapshotRequest;
import io.crewstream.schemas.records.UpstreamState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

/**
 * Keeps one upstream gateway connected, from start-up until stop, whatever happens: connects, handshakes,
 * subscribes, publishes a full snapshot, turns every {@code sessions.changed} into one record, re-snapshots when it
 * may have missed something (seq gap, keyless change, bad frame, reconnect, reconciliation timer, Kafka recovery),
 * watches the gateway's ticks, and reconnects forever with backoff. Alongside the sessions it publishes every run
 * step the gateway reports ({@code agent}, {@code session.tool}, {@code chat}; see {@link RunActivity}) and the
 * gateway's agent list after every connect and whenever the agents may have changed ({@code config.changed}, a seq
 * gap, the reconciliation timer); a failing {@code agents.list} is reported and never touches the sessions. Every
 * change of the link's state is published as a {@link ConnectionStatusEvent}, and the current one again every
 * {@code status-interval} while nothing changes, so that readers can tell a quiet pipeline from a stopped one.
 *
 * <p>{@code connected} is only reported when it is true: after the snapshot is published, and, when the last link
 * ended in a tick timeout, only once the new link has delivered a tick ({@code connecting}, {@code awaiting_tick}
 * until then), so a gateway that accepts connections but never ticks does not flap between "disconnected" and
 * "connected". A re-snapshot that takes longer than {@code snapshot-overdue} holds live changes back, so it is
 * reported as {@code connecting} ({@code snapshot_overdue}) until it is published.
 *
 * <p>Threading: all state is owned by one single-threaded scheduled executor per supervisor ({@code upstream-<id>}).
 * WebSocket callbacks, timers, Kafka recovery notifications, {@link #start()} and {@link #stop()} only enqueue tasks
 * on it, so no field is ever touched by two threads and nothing here locks. Each socket gets its own {@link Link};
 * a task for a link that is no longer current is ignored, which is how late callbacks of a dead socket are made
 * harmless. The only state read from other threads is {@link #status()} (an immutable value) and
 * {@link #lastFrameAt()}, both behind volatile fields. The executor itself is created by {@link #start()} and shut
 * down by {@link #stop()}, which synchronize on this object so that they may be called from any thread; until
 * {@link #start()}, work handed in from other threads is ignored.
 */
public final class UpstreamSupervisor {

    private static final Logger log = LoggerFactory.getLogger(UpstreamSupervisor.class);

    /** {@code policy.maxPayload} of a 2026.9.6 gateway; the limit until {@code hello-ok} gives the real one. */
    static final long DEFAULT_MAX_PAYLOAD = 26_214_400;

    /** Listings of one snapshot while sessions keep being removed, before it is published as good as it gets. */
    static final int MAX_LISTINGS_PER_SNAPSHOT = 3;

    private static final int LOG_HEAD_CHARS = 200;
    private static final int CLOSE_NORMAL = 1000;
    private static final int CLOSE_TICK_TIMEOUT = 4000;
    private static final int CLOSE_TRY_AGAIN_LATER = 1013;

    private final UpstreamTarget target;
    private final IngestorProperties.Connection settings;
    private final boolean activitySummaries;
    private final HttpClient httpClient;
    private final UpstreamOutput output;
    private final UpstreamMetrics metrics;
    private final GatewayRequests requests;
    private final ReconnectBackoff backoff;
    private final Clock clock;
    // Set by start() (under this object's monitor), read by any thread that enqueues.
    private volatile ScheduledExecutorService executor;

    // Owned by the executor thread.
    private boolean running;
    private boolean everConnected;
    private boolean reported;
    private long attempts;
    private long linkGeneration;
    private Link link;
    private ScheduledFuture<?> reconnect;
    private ScheduledFuture<?> reconciliation;
    private String gatewayVersion;
    private Long lastFrameAt;
    // The last link ended in a tick timeout: the next one must prove the gateway ticks before it is "connected".
    private boolean ticksInDoubt;
    private ScheduledFuture<?> restatement;

    private volatile UpstreamStatus status;
    // Why the last agents.list did not give a list; null after one did. Read by health.
    private volatile String agentListProblem;
    private volatile long lastFrameAtForHealth = -1;

    public UpstreamSupervisor(UpstreamTarget target, IngestorProperties.Connection settings,
            boolean activitySummaries, HttpClient httpClient, UpstreamOutput output, UpstreamMetrics metrics,
            String clientVersion, ReconnectBackoff backoff, Clock clock) {
        this.target = target;
        this.settings = settings;
        this.activitySummaries = activitySummaries;
        this.httpClient = httpClient;
        this.output = output;
        this.metrics = metrics;
        this.requests = new GatewayRequests(clientVersion);
        this.backoff = backoff;
        this.clock = clock;
        this.status = new UpstreamStatus(target.id(), UpstreamState.CONNECTING, "not started", null, clock.millis(),
                null, null, target.displayUrl());
    }

    public String connectionId() {
        return this.target.id();
    }

    /** The last reported state; safe to call from any thread. */
    public UpstreamStatus status() {
        return this.status;
    }

    /** Epoch ms of the last frame from the gateway, null before any; safe to call from any thread. */
    public Long lastFrameAt() {
        long at = this.lastFrameAtForHealth;
        return at < 0 ? null : at;
    }

    /** Why the last {@code agents.list} gave no list, null when it did (or none was asked yet); any thread. */
    public String agentListProblem() {
        return this.agentListProblem;
    }

    /** Starts the supervisor thread and connecting on it; returns at once. Does nothing when already started. */
    public synchronized void start() {
        if (this.executor != null && !this.executor.isShutdown()) {
            return;
        }
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "upstream-" + this.target.id());
            thread.setDaemon(true);
            return thread;
        });
        // On stop, pending reconnects and timers are moot: don't let them hold the thread.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        this.executor = executor;
        enqueue(() -> {
            this.running = true;
            report(UpstreamState.CONNECTING, "connecting to " + this.target.displayUrl(), null);
            long every = this.settings.statusInterval().toMillis();
            this.restatement = this.executor.scheduleAtFixedRate(guarded(this::restate), every, every,
                    TimeUnit.MILLISECONDS);
            connect();
        });
    }

    /** Closes the connection, reports {@code disconnected} and waits (briefly) for the supervisor thread to end. */
    public synchronized void stop() {
        ScheduledExecutorService executor = this.executor;
        if (executor == null || executor.isShutdown()) {
            return;
        }
        enqueue(() -> {
            this.running = false;
            cancel(this.restatement);
            cancel(this.reconnect);
            if (this.link != null) {
                dropLink(this.link, CLOSE_NORMAL, "ingestor stopping");
            }
            report(UpstreamState.DISCONNECTED, "ingestor stopped", "stopped");
        });
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
        }
    }

    /**
     * Kafka accepts records again after failures: restate the status (it may have been lost) with the outage, so that
     * replay shows it, and replace whatever session records were lost with a fresh snapshot. Safe to call from any
     * thread.
     */
    public void publishRecovered(KafkaOutage outage) {
        enqueue(() -> {
            if (!this.running) {
                return;
            }
            UpstreamStatus current = this.status;
            publishStatus(current, outage);
            if (this.link != null && this.link.ready) {
                requestSnapshot(this.link, "publish-recovered");
            }
        });
    }

    /**
     * A reader of the session events asked for a full snapshot ({@link SnapshotRequest}, e.g. the projector's table
     * disagreed with a verification marker). Safe to call from any thread.
     */
    public void snapshotRequested(SnapshotRequest request) {
        enqueue(() -> {
            if (!this.running) {
                return;
            }
            log.info("[{}] Full snapshot requested by {} ({}): {}", this.target.id(), request.requestedBy(),
                    request.reason(), request.detail());
            if (this.link != null && this.link.ready) {
                requestSnapshot(this.link, SnapshotReason.TABLE_MISMATCH.wireName());
            }
        });
    }

    // ---- connecting --------------------------------------------------------------------------------------------

    private void connect() {
        this.reconnect = null;
        if (!this.running) {
            return;
        }
        if (this.attempts++ > 0) {
            this.metrics.reconnect();
        }
        Link attempt = new Link(++this.linkGeneration);
        this.link = attempt;
        attempt.receiver = new GatewaySocket(attempt, this.clock::millis, DEFAULT_MAX_PAYLOAD);
        attempt.tickIntervalMs = this.settings.handshakeTickInterval().toMillis();
        attempt.lastFrameAt = this.clock.millis();
        startWatchdog(attempt);
        log.debug("[{}] Connecting to {}", this.target.id(), this.target.displayUrl());
        try {
            // No Origin header: the JDK sends none, and the gateway treats one as a browser (no loopback trust).
            this.httpClient.newWebSocketBuilder()
                    .connectTimeout(this.settings.connectTimeout())
                    .buildAsync(this.target.url(), attempt.receiver)
                    .whenComplete((socket, failure) -> {
                        if (failure != null) {
                            enqueue(() -> connectFailed(attempt, failure));
                        }
                    });
        }
        catch (RuntimeException ex) {
            connectFailed(attempt, ex);
        }
    }

    private void connectFailed(Link attempt, Throwable failure) {
        if (attempt != this.link) {
            return;
        }
        ConnectFailure unreachable = ConnectFailure.classify(failure, this.target.displayUrl(),
                this.target.url().getHost(), this.settings.connectTimeout());
        lose(attempt, UpstreamState.UNREACHABLE, unreachable.reason(), unreachable.code(), this.backoff.next(),
                CLOSE_NORMAL);
    }

    private void opened(Link attempt, WebSocket socket) {
        if (attempt != this.link) {
            socket.abort();
            return;
        }
        attempt.socket = socket;
        log.debug("[{}] Socket open, waiting for connect.challenge", this.target.id());
    }

    private void handleText(Link from, String text, int sizeBytes, long receivedAt) {
        if (from != this.link) {
            return;
        }
        frameArrived(from, receivedAt);
        GatewayFrame frame;
        try {
            frame = GatewayFrame.parse(text);
        }
        catch (MalformedFrameException ex) {
            // Not JSON, so the parsed redaction below cannot run; a cut hello-ok may still carry its deviceToken.
            String redacted = Redaction.redactedUnparsed(text);
            this.output.rawFrame(this.target.id(), receivedAt, GatewayFrame.MALFORMED, null, null, sizeBytes,
                    redacted, false);
            badFrame(from, BadFrame.MALFORMED, ex.getMessage(), sizeBytes, redacted);
            return;
        }
        String redacted = Redaction.redactedText(frame.root());
        this.output.rawFrame(this.target.id(), receivedAt, frame.type(), frame.event(), frame.seq(), sizeBytes,
                redacted != null ? redacted : text, false);
        switch (frame.type()) {
            case GatewayFrame.RESPONSE -> response(from, frame);
            case GatewayFrame.EVENT -> event(from, frame, receivedAt);
            default -> log.debug("[{}] Ignoring a '{}' frame from the gateway", this.target.id(), frame.type());
        }
    }

    private void handleOversized(Link from, String head, long sizeBytes, long receivedAt) {
        if (from != this.link) {
            return;
        }
        frameArrived(from, receivedAt);
        String redacted = Redaction.redactedUnparsed(head);
        this.output.rawFrame(this.target.id(), receivedAt, GatewayFrame.MALFORMED, null, null, sizeBytes, redacted,
                true);
        badFrame(from, BadFrame.OVERSIZED, "larger than the gateway's maxPayload (" + from.receiver.maxMessageBytes()
                + " bytes)", sizeBytes, redacted);
    }

    private void handleBinary(Link from, int sizeBytes, long receivedAt) {
        if (from != this.link) {
            return;
        }
        frameArrived(from, receivedAt);
        this.output.rawFrame(this.target.id(), receivedAt, GatewayFrame.MALFORMED, null, null, sizeBytes, "", true);
        badFrame(from, BadFrame.BINARY, "a binary message (the protocol has none)", sizeBytes, "");
    }

    private void frameArrived(Link from, long receivedAt) {
        from.lastFrameAt = receivedAt;
        this.lastFrameAt = receivedAt;
        this.lastFrameAtForHealth = receivedAt;
        this.metrics.frameReceived();
    }

    /** Counted, logged (truncated), and answered with a resync; never a crash and never a retry of the same frame. */
    private void badFrame(Link from, BadFrame kind, String problem, long sizeBytes, String text) {
        this.metrics.badFrame(kind);
        log.warn("[{}] Discarded a bad frame from the gateway ({} bytes): {}. Starts with: {}", this.target.id(),
                sizeBytes, problem, head(text));
        if (from.hello == null) {
            lose(from, UpstreamState.DISCONNECTED, "bad frame during the handshake: " + problem, "malformed_frame",
                    this.backoff.next(), CLOSE_NORMAL);
        }
        else {
            requestSnapshot(from, "malformed-frame");
        }
    }

    private void handleClosed(Link from, int code, String reason) {
        if (from != this.link) {
            return;
        }
        String said = reason == null || reason.isBlank() ? "" : " \"" + reason + "\"";
        if (from.restartExpectedMs != null) {
            lose(from, UpstreamState.DISCONNECTED, "gateway restarting (shutdown event, restart expected in "
                    + from.restartExpectedMs + " ms)", "shutdown", Duration.ofMillis(from.restartExpectedMs),
                    CLOSE_NORMAL);
        }
        else if (code == CLOSE_TRY_AGAIN_LATER) {
            lose(from, UpstreamState.CONNECTING, "gateway starting (close 1013" + said + ")", "gateway_starting",
                    this.backoff.next(), CLOSE_NORMAL);
        }
        else if (from.shutdownReason != null) {
            lose(from, UpstreamState.DISCONNECTED, "gateway shut down: " + from.shutdownReason, "shutdown",
                    this.backoff.next(), CLOSE_NORMAL);
        }
        else {
            lose(from, UpstreamState.DISCONNECTED, "closed by the gateway with code " + code + said, "closed",
                    this.backoff.next(), CLOSE_NORMAL);
        }
    }

    private void handleFailed(Link from, Throwable error) {
        if (from != this.link) {
            return;
        }
        if (from.socket == null) {
            connectFailed(from, error);
            return;
        }
        lose(from, UpstreamState.DISCONNECTED, "connection failed: " + ConnectFailure.describe(error), "io_error",
                this.backoff.next(), CLOSE_NORMAL);
    }

    // ---- frames ------------------------------------------------------------------------------------------------

    private void response(Link from, GatewayFrame frame) {
        Pending pending = from.pending.remove(frame.id());
        if (pending == null) {
            log.debug("[{}] Response to unknown request id {}", this.target.id(), frame.id());
            return;
        }
        cancel(pending.timeout());
        pending.onResponse().accept(frame);
    }

    private void event(Link from, GatewayFrame frame, long receivedAt) {
        if (frame.seq() != null) {
            if (frame.seq() <= from.lastSeq) {
                log.debug("[{}] Ignoring event {} with repeated or lower seq {} (last {})", this.target.id(),
                        frame.event(), frame.seq(), from.lastSeq);
                return;
            }
            boolean gap = frame.seq() > from.lastSeq + 1;
            if (gap) {
                log.warn("[{}] Events were lost upstream (seq jumped from {} to {}); re-snapshotting",
                        this.target.id(), from.lastSeq, frame.seq());
            }
            from.lastSeq = frame.seq();
            if (gap) {
                requestSnapshot(from, "seq-gap");
                // What was lost may have been a config.changed.
                listAgents(from);
            }
        }
        switch (frame.event()) {
            case "connect.challenge" -> sendConnect(from);
            case "shutdown" -> shutdownAnnounced(from, frame.payload());
            case "sessions.changed" -> sessionsChanged(from, frame, receivedAt);
            case "tick" -> tickArrived(from);
            case RunActivity.AGENT, RunActivity.CHAT, RunActivity.SESSION_TOOL -> runActivity(from, frame, receivedAt);
            // Agents live in the gateway's configuration; it announces no agent event of its own (2026.9.6).
            case "config.changed" -> listAgents(from);
            default -> {
                // tick, health, presence and the rest: their arrival is what the watchdog needs.
            }
        }
    }

    private void shutdownAnnounced(Link from, JsonNode payload) {
        JsonNode restart = payload.get("restartExpectedMs");
        from.shutdownReason = payload.path("reason").asString("unspecified");
        from.restartExpectedMs = restart != null && restart.isNumber() && restart.asLong() >= 0 ? restart.asLong()
                : null;
        log.info("[{}] Gateway announced shutdown ({}); {}", this.target.id(), from.shutdownReason,
                from.restartExpectedMs != null ? "restart expected in " + from.restartExpectedMs + " ms"
                        : "no restart announced");
    }

    // ---- handshake ---------------------------------------------------------------------------------------------

    private void sendConnect(Link from) {
        if (from.connectSent) {
            log.debug("[{}] Ignoring a repeated connect.challenge", this.target.id());
            return;
        }
        from.connectSent = true;
        // The frame holds the token: it goes to the socket only (outbound frames are never recorded).
        request(from, GatewayRequests.CONNECT, id -> this.requests.connect(id, this.target.token()),
                frame -> connectAnswered(from, frame));
    }

    private void connectAnswered(Link from, GatewayFrame frame) {
        if (!frame.ok()) {
            GatewayError error = GatewayError.from(frame.error());
            if (error.isUnavailable()) {
                Duration wait = error.retryAfterMs() != null ? Duration.ofMillis(error.retryAfterMs())
                        : this.backoff.next();
                lose(from, UpstreamState.CONNECTING, "gateway not ready: " + error.describe(),
                        error.mostSpecificCode(), wait, CLOSE_NORMAL);
            }
            else if (error.isAuthFailure()) {
                lose(from, UpstreamState.AUTH_FAILED, "gateway rejected the connection: "
                        + error.describe(), error.mostSpecificCode(), authRetryDelay(error), CLOSE_NORMAL);
            }
            else {
                lose(from, UpstreamState.DISCONNECTED, "gateway rejected connect: " + error.describe(),
                        error.mostSpecificCode(), this.backoff.next(), CLOSE_NORMAL);
            }
            return;
        }
        HelloOk hello = HelloOk.from(frame.payload());
        if (hello.protocol() == null || hello.protocol() != GatewayRequests.PROTOCOL_VERSION) {
            lose(from, UpstreamState.DISCONNECTED, "gateway negotiated protocol " + hello.protocol() + ", expected "
                    + GatewayRequests.PROTOCOL_VERSION, "protocol_mismatch", this.backoff.next(), CLOSE_NORMAL);
            return;
        }
        if (!hello.scopes().contains(GatewayRequests.READ_SCOPE)) {
            lose(from, UpstreamState.AUTH_FAILED, "gateway granted scopes " + hello.scopes() + " without "
                    + GatewayRequests.READ_SCOPE + " (use a loopback connection or a paired device)",
                    "insufficient_scope", this.settings.authRetryInterval(), CLOSE_NORMAL);
            return;
        }
        from.hello = hello;
        this.gatewayVersion = hello.serverVersion();
        from.tickIntervalMs = hello.tickIntervalMs() != null ? hello.tickIntervalMs()
                : this.settings.handshakeTickInterval().toMillis();
        from.receiver.maxMessageBytes(hello.maxPayload() != null ? hello.maxPayload() : DEFAULT_MAX_PAYLOAD);
        startWatchdog(from);
        log.info("[{}] Handshake done with gateway {} at {} (tick {} ms); subscribing", this.target.id(),
                hello.serverVersion(), this.target.displayUrl(), from.tickIntervalMs);
        startSnapshot(from, this.everConnected ? "reconnect" : "initial", true);
        listAgents(from);
    }

    private Duration authRetryDelay(GatewayError error) {
        Duration interval = this.settings.authRetryInterval();
        if (error.retryAfterMs() != null && error.retryAfterMs() > interval.toMillis()) {
            return Duration.ofMillis(error.retryAfterMs());
        }
        return interval;
    }

    // ---- snapshots and changes ---------------------------------------------------------------------------------

    /** Takes a fresh full snapshot now, or right after the one being taken (which may predate the reason). */
    private void requestSnapshot(Link from, String reason) {
        if (from != this.link) {
            return;
        }
        if (from.load != null) {
            if (from.reloadPending == null) {
                from.reloadPending = reason;
            }
            return;
        }
        if (from.ready) {
            startSnapshot(from, reason, false);
        }
    }

    /**
     * Lists every page, then publishes them as one snapshot. Changes that arrive meanwhile are held back and
     * published after the snapshot: published before it, the snapshot (possibly listed earlier) would overwrite
     * them with older rows.
     */
    private void startSnapshot(Link from, String reason, boolean subscribe) {
        SnapshotLoad load = new SnapshotLoad(reason, System.nanoTime(), this.clock.millis());
        from.load = load;
        if (from.ready) {
            cancel(from.snapshotOverdue);
            long overdue = this.settings.snapshotOverdue().toMillis();
            from.snapshotOverdue = this.executor.schedule(guarded(() -> snapshotOverdue(from, load)), overdue,
                    TimeUnit.MILLISECONDS);
        }
        if (subscribe) {
            request(from, GatewayRequests.SESSIONS_SUBSCRIBE,
                    id -> this.requests.sessionsSubscribe(id, this.settings.pageSize()),
                    frame -> subscribeAnswered(from, frame));
        }
        else {
            requestPage(from, 0);
        }
    }

    private void subscribeAnswered(Link from, GatewayFrame frame) {
        if (!frame.ok()) {
            listFailed(from, GatewayRequests.SESSIONS_SUBSCRIBE, frame);
            return;
        }
        JsonNode list = frame.payload().path("list");
        if (!list.isObject()) {
            // Subscribed without the atomic first page: list from the start, changes are already being held back.
            requestPage(from, 0);
            return;
        }
        pageArrived(from, list);
    }

    private void requestPage(Link from, long offset) {
        from.load.offset(offset);
        request(from, GatewayRequests.SESSIONS_LIST,
                id -> this.requests.sessionsList(id, this.settings.pageSize(), offset), frame -> {
                    if (frame.ok()) {
                        pageArrived(from, frame.payload());
                    }
                    else {
                        listFailed(from, GatewayRequests.SESSIONS_LIST, frame);
                    }
                });
    }

    private void pageArrived(Link from, JsonNode result) {
        SnapshotLoad load = from.load;
        SessionsPage page;
        try {
            page = SessionsPage.from(result);
        }
        catch (MalformedFrameException ex) {
            lose(from, UpstreamState.DISCONNECTED, "unusable sessions.list result: " + ex.getMessage(),
                    "malformed_result", this.backoff.next(), CLOSE_NORMAL);
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
                lose(from, UpstreamState.DISCONNECTED, "sessions.list paging does not advance (offset "
                        + load.offset() + ", nextOffset " + page.nextOffset() + ")", "malformed_result",
                        this.backoff.next(), CLOSE_NORMAL);
                return;
            }
            requestPage(from, page.nextOffset());
            return;
        }
        finishSnapshot(from);
    }

    private void listFailed(Link from, String method, GatewayFrame frame) {
        GatewayError error = GatewayError.from(frame.error());
        UpstreamState state = error.isAuthFailure() ? UpstreamState.AUTH_FAILED : UpstreamState.DISCONNECTED;
        Duration wait = state == UpstreamState.AUTH_FAILED ? authRetryDelay(error) : this.backoff.next();
        lose(from, state, method + " failed: " + error.describe(), error.mostSpecificCode(), wait,
                CLOSE_NORMAL);
    }

    private void finishSnapshot(Link from) {
        SnapshotLoad load = from.load;
        if (load.mayHaveSkippedRows()) {
            if (load.listings() < MAX_LISTINGS_PER_SNAPSHOT) {
                log.debug("[{}] Sessions were removed while snapshot ({}) was listed, so a row may have been "
                        + "skipped between pages; listing again", this.target.id(), load.reason());
                load.relist(this.clock.millis());
                // The new listing starts after whatever asked for another snapshot meanwhile, and after the changes
                // held so far: it reflects them, and applied on top of it they would put older rows over newer.
                from.reloadPending = null;
                from.heldChanges.clear();
                requestPage(from, 0);
                return;
            }
            log.warn("[{}] Sessions kept being removed while snapshot ({}) was listed ({} times); publishing it "
                    + "anyway: a session moved between pages may be missing until the next reconciliation",
                    this.target.id(), load.reason(), load.listings());
        }
        from.load = null;
        cancel(from.snapshotOverdue);
        HeldRunEvents.Split held = from.heldRunEvents.split();
        held.beforeSnapshot().forEach(this::publishRunEvent);
        UpstreamOutput.SnapshotReceipt receipt = this.output.snapshot(this.target.id(), load.reason(),
                load.rowsWith(from.heldChanges), this.clock.millis(), load.listedFrom());
        held.afterSnapshot().forEach(this::publishRunEvent);
        Duration took = Duration.ofNanos(System.nanoTime() - load.startedNanos());
        this.metrics.snapshot(receipt.sessions(), took);
        for (String rejected : receipt.rejected()) {
            log.error("[{}] Could not publish a session in full in snapshot {}: {}", this.target.id(),
                    receipt.snapshotId(), rejected);
        }
        this.metrics.rejectedRows(receipt.rejected().size());
        log.info("[{}] Published snapshot {} ({}): {} sessions in {} chunks, listed in {} ms", this.target.id(),
                receipt.snapshotId(), load.reason(), receipt.sessions(), receipt.chunks(), took.toMillis());
        if (!from.ready) {
            from.ready = true;
            this.everConnected = true;
            this.backoff.reset();
            Duration every = this.settings.reconciliationInterval();
            this.reconciliation = this.executor.scheduleWithFixedDelay(guarded(() -> {
                requestSnapshot(from, "reconciliation");
                // config.changed may be dropped for a slow reader.
                listAgents(from);
            }), every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        }
        reportReady();
        // Not published again: the snapshot already holds each key's latest held change (rowsWith), and replaying
        // them after it would move a key back through its older versions before ending where it already is.
        from.heldChanges.clear();
        if (from.reloadPending != null && from == this.link) {
            String reason = from.reloadPending;
            from.reloadPending = null;
            startSnapshot(from, reason, false);
        }
    }

    private void sessionsChanged(Link from, GatewayFrame frame, long receivedAt) {
        if (!from.ready && from.load == null) {
            return;
        }
        SessionChange change = SessionChange.of(this.target.id(), frame.payload(), frame.seq(), receivedAt);
        if (change instanceof SessionChange.Publish publish) {
            if (from.load != null) {
                from.heldChanges.add(publish.event());
                if (publish.event() instanceof SessionRemoved) {
                    from.load.rowsMayHaveShiftedBack();
                }
            }
            else {
                publishChange(publish.event());
            }
        }
        else if (change instanceof SessionChange.Reload reload) {
            log.debug("[{}] {}: re-snapshotting", this.target.id(), reload.why());
            if (from.load != null) {
                // Whatever changed may have been a removal.
                from.load.rowsMayHaveShiftedBack();
            }
            requestSnapshot(from, "reload-requested");
        }
    }

    /**
     * The link is ready and its snapshot is out: "connected", unless the gateway has yet to show it ticks again. The
     * report is a no-op when that is already the state.
     */
    private void reportReady() {
        if (this.ticksInDoubt) {
            report(UpstreamState.CONNECTING, "reconnected after a tick timeout; waiting for the gateway's next tick",
                    "awaiting_tick");
        }
        else {
            report(UpstreamState.CONNECTED, null, null);
        }
    }

    private void tickArrived(Link from) {
        if (this.ticksInDoubt) {
            this.ticksInDoubt = false;
            if (from.ready && from.load == null) {
                reportReady();
            }
        }
    }

    /** A re-snapshot is taking long: live changes are held back meanwhile, so the connection is not "connected". */
    private void snapshotOverdue(Link from, SnapshotLoad load) {
        if (from != this.link || from.load != load) {
            return;
        }
        report(UpstreamState.CONNECTING, "snapshot (" + load.reason() + ") still being listed after "
                + this.settings.snapshotOverdue().toMillis() + " ms; live changes are held back until it is published",
                "snapshot_overdue");
    }

    private void publishChange(SessionEvent event) {
        this.output.change(event).ifPresent(trimmed -> {
            this.metrics.rejectedRows(1);
            log.error("[{}] Could not publish a session change in full: {}", this.target.id(), trimmed);
        });
    }

    // ---- run activity and agents -------------------------------------------------------------------------------

    /**
     * One run step: published at once, or, while a snapshot is being listed, held back and published around it
     * ({@link HeldRunEvents}); a run's end first gets the usage its {@code usage} stream reported
     * ({@link RunUsageTracker}). A frame that gives no step is reported and dropped; raw-frames already has it.
     */
    private void runActivity(Link from, GatewayFrame frame, long receivedAt) {
        if (from.hello == null) {
            return;
        }
        RunActivity activity = RunActivity.of(this.target.id(), frame.event(), frame.payload(), receivedAt,
                this.activitySummaries);
        if (activity instanceof RunActivity.Usage usage) {
            from.runUsage.report(usage);
        }
        else if (activity instanceof RunActivity.Publish step) {
            RunActivity.Publish publish = from.runUsage.attach(step);
            if (from.load != null) {
                from.heldRunEvents.hold(publish);
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
        RunEvent event = publish.event();
        this.output.runEvent(event, publish.eventId());
        this.metrics.runEvent(event.kind());
    }

    /** Lists the agents now, or once more right after the listing in flight (which may predate the change). */
    private void listAgents(Link from) {
        if (from != this.link || from.hello == null) {
            return;
        }
        if (from.listingAgents) {
            from.agentsChangedMeanwhile = true;
            return;
        }
        from.listingAgents = true;
        request(from, GatewayRequests.AGENTS_LIST, this.requests::agentsList, frame -> agentsListed(from, frame),
                () -> agentListFailed(from, GatewayRequests.AGENTS_LIST + " unanswered after "
                        + this.settings.requestTimeout().toMillis() + " ms"));
    }

    private void agentsListed(Link from, GatewayFrame frame) {
        if (!frame.ok()) {
            agentListFailed(from, GatewayRequests.AGENTS_LIST + " failed: " + GatewayError.from(frame.error())
                    .describe());
            return;
        }
        AgentListing listing;
        try {
            listing = AgentListing.from(this.target.id(), frame.payload(), this.clock.millis());
        }
        catch (MalformedFrameException ex) {
            agentListFailed(from, ex.getMessage());
            return;
        }
        if (!listing.rejected().isEmpty()) {
            log.warn("[{}] Left {} agents out of the agent list: {}", this.target.id(), listing.rejected().size(),
                    listing.rejected());
        }
        this.output.agentList(listing.list());
        this.metrics.agentListPublished();
        this.agentListProblem = null;
        log.debug("[{}] Published the agent list ({} agents)", this.target.id(), listing.list().agents().size());
        agentListingDone(from);
    }

    /** Reported (log, metric, health) and left at that: sessions and run events carry on without it. */
    private void agentListFailed(Link from, String problem) {
        this.metrics.agentListFailed();
        if (problem.equals(this.agentListProblem)) {
            log.debug("[{}] Still no agent list: {}", this.target.id(), problem);
        }
        else {
            log.warn("[{}] No agent list: {}. Sessions and run activity are not affected; it is asked for again "
                    + "on the next reconnect, config change or reconciliation", this.target.id(), problem);
        }
        this.agentListProblem = problem;
        agentListingDone(from);
    }

    private void agentListingDone(Link from) {
        from.listingAgents = false;
        if (from.agentsChangedMeanwhile) {
            from.agentsChangedMeanwhile = false;
            listAgents(from);
        }
    }

    // ---- requests ----------------------------------------------------------------------------------------------

    /** A request whose answer the connection cannot do without: unanswered, the connection is dropped. */
    private void request(Link from, String method, Function<String, String> frameForId,
            Consumer<GatewayFrame> onResponse) {
        request(from, method, frameForId, onResponse, () -> lose(from, UpstreamState.DISCONNECTED, method
                + " unanswered after " + this.settings.requestTimeout().toMillis() + " ms", "request_timeout",
                this.backoff.next(), CLOSE_NORMAL));
    }

    private void request(Link from, String method, Function<String, String> frameForId,
            Consumer<GatewayFrame> onResponse, Runnable onTimeout) {
        String id = Long.toString(++from.lastRequestId);
        Duration timeout = this.settings.requestTimeout();
        ScheduledFuture<?> timer = this.executor.schedule(guarded(() -> requestTimedOut(from, id, onTimeout)),
                timeout.toMillis(), TimeUnit.MILLISECONDS);
        from.pending.put(id, new Pending(method, onResponse, timer));
        from.send(frameForId.apply(id)).whenComplete((ignored, failure) -> {
            if (failure != null) {
                enqueue(() -> {
                    if (from == this.link) {
                        lose(from, UpstreamState.DISCONNECTED, "could not send " + method + ": "
                                + ConnectFailure.describe(failure), "io_error", this.backoff.next(), CLOSE_NORMAL);
                    }
                });
            }
        });
    }

    private void requestTimedOut(Link from, String id, Runnable onTimeout) {
        if (from != this.link || from.pending.remove(id) == null) {
            return;
        }
        onTimeout.run();
    }

    // ---- liveness ----------------------------------------------------------------------------------------------

    private void startWatchdog(Link of) {
        cancel(of.watchdog);
        long every = Math.max(25, of.tickIntervalMs / 4);
        of.watchdog = this.executor.scheduleWithFixedDelay(guarded(() -> checkTicks(of)), every, every,
                TimeUnit.MILLISECONDS);
    }

    private void checkTicks(Link of) {
        if (of != this.link) {
            return;
        }
        long silentFor = this.clock.millis() - of.lastFrameAt;
        if (silentFor > 2 * of.tickIntervalMs) {
            this.ticksInDoubt = true;
            lose(of, UpstreamState.DISCONNECTED, "tick timeout: no frame for " + silentFor + " ms (tick interval "
                    + of.tickIntervalMs + " ms)", "tick_timeout", this.backoff.next(), CLOSE_TICK_TIMEOUT);
        }
    }

    // ---- state -------------------------------------------------------------------------------------------------

    /** Ends a link for good and schedules the next attempt. Later callbacks of this link are ignored. */
    private void lose(Link lost, UpstreamState state, String reason, String reasonCode, Duration retryIn,
            int closeCode) {
        if (lost != this.link) {
            return;
        }
        dropLink(lost, closeCode, closeCode == CLOSE_TICK_TIMEOUT ? "tick timeout" : "reconnecting");
        if (report(state, reason, reasonCode)) {
            log.warn("[{}] {}: {}; next attempt in {} ms", this.target.id(), state.wireName(), reason,
                    retryIn.toMillis());
        }
        else {
            // Same state and reason as the last attempt: said once at WARN, the repeats are noise.
            log.debug("[{}] still {}: {}; next attempt in {} ms", this.target.id(), state.wireName(), reason,
                    retryIn.toMillis());
        }
        if (this.running) {
            this.reconnect = this.executor.schedule(guarded(this::connect), retryIn.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void dropLink(Link lost, int closeCode, String closeReason) {
        this.link = null;
        // No snapshot will follow on this link to order them around; they happened, so they are published.
        lost.heldRunEvents.drain().forEach(this::publishRunEvent);
        cancel(lost.watchdog);
        cancel(lost.snapshotOverdue);
        cancel(this.reconciliation);
        this.reconciliation = null;
        lost.pending.values().forEach(pending -> cancel(pending.timeout()));
        lost.pending.clear();
        if (lost.socket != null) {
            GatewaySocket.close(lost.socket, closeCode, closeReason);
        }
    }

    /**
     * Publishes a status event when the state, its code or its reason differ from the last one.
     *
     * @return whether an event was published
     */
    private boolean report(UpstreamState state, String reason, String reasonCode) {
        UpstreamStatus previous = this.status;
        boolean sameState = this.reported && previous.state() == state;
        boolean same = sameState && equal(previous.reasonCode(), reasonCode) && equal(previous.reason(), reason);
        UpstreamStatus next = new UpstreamStatus(this.target.id(), state, reason, reasonCode,
                sameState ? previous.since() : this.clock.millis(), this.gatewayVersion, this.lastFrameAt,
                this.target.displayUrl());
        this.status = next;
        this.reported = true;
        this.metrics.state(state);
        if (!same) {
            publishStatus(next);
        }
        return !same;
    }

    /** The current status once more, with the latest tick time: nothing changed, and readers should know it. */
    private void restate() {
        if (this.running) {
            publishStatus(this.status);
        }
    }

    private void publishStatus(UpstreamStatus current) {
        publishStatus(current, null);
    }

    /** Promises the next restatement while running; the last status before a stop promises none. */
    private void publishStatus(UpstreamStatus current, KafkaOutage outage) {
        Long interval = this.running ? this.settings.statusInterval().toMillis() : null;
        this.output.status(ConnectionStatusEvent.of(current.connectionId(), current.state(), current.reason(),
                current.reasonCode(), current.since(), this.gatewayVersion, this.lastFrameAt, current.upstreamUrl(),
                this.clock.millis(), interval).withKafkaOutage(outage));
    }

    // ---- plumbing ----------------------------------------------------------------------------------------------

    private void enqueue(Runnable task) {
        ScheduledExecutorService executor = this.executor;
        if (executor == null) {
            // Not started: nothing to recover or report yet.
            return;
        }
        try {
            executor.execute(guarded(task));
        }
        catch (RejectedExecutionException ex) {
            // Stopped: late socket callbacks have nothing left to do.
        }
    }

    /** A bug in one task must not end the supervisor (or silently cancel a timer): drop the link and start over. */
    private Runnable guarded(Runnable task) {
        return () -> {
            try {
                task.run();
            }
            catch (RejectedExecutionException ex) {
                // stop() shut the executor down while this task ran: no timer may be scheduled any more, and the
                // stop task queued behind this one closes the link and reports.
                log.debug("[{}] Stopping; a timer was not scheduled", this.target.id());
            }
            catch (RuntimeException ex) {
                log.error("[{}] Unexpected failure; reconnecting", this.target.id(), ex);
                String reason = "internal error: " + ConnectFailure.describe(ex);
                if (this.link != null) {
                    lose(this.link, UpstreamState.DISCONNECTED, reason, "internal_error", this.backoff.next(),
                            CLOSE_NORMAL);
                }
                else if (this.running && this.reconnect == null) {
                    report(UpstreamState.DISCONNECTED, reason, "internal_error");
                    this.reconnect = this.executor.schedule(guarded(this::connect), this.backoff.next().toMillis(),
                            TimeUnit.MILLISECONDS);
                }
            }
        };
    }

    private static void cancel(ScheduledFuture<?> future) {
        if (future != null) {
            future.cancel(false);
        }
    }

    private static boolean equal(Object a, Object b) {
        return a == null ? b == null : a.equals(b);
    }

    private static String head(String text) {
        return text.length() <= LOG_HEAD_CHARS ? text : text.substring(0, LOG_HEAD_CHARS) + "…";
    }

    private record Pending(String method, Consumer<GatewayFrame> onResponse, ScheduledFuture<?> timeout) {
    }

    /**
     * One socket to the gateway and what belongs to it: pending requests, seq tracking, the snapshot being listed.
     * Executor-confined like the supervisor; its {@link FrameListener} methods run on JDK threads and only enqueue.
     */
    private final class Link implements FrameListener {

        final long generation;
        GatewaySocket receiver;
        WebSocket socket;
        CompletableFuture<?> sending = CompletableFuture.completedFuture(null);
        final Map<String, Pending> pending = new HashMap<>();
        long lastRequestId;
        ScheduledFuture<?> watchdog;
        long tickIntervalMs;
        long lastFrameAt;
        // seq starts at 1 on every socket: a first event numbered higher means events were already lost.
        long lastSeq;
        boolean connectSent;
        HelloOk hello;
        boolean ready;
        SnapshotLoad load;
        ScheduledFuture<?> snapshotOverdue;
        final List<SessionEvent> heldChanges = new ArrayList<>();
        final HeldRunEvents heldRunEvents = new HeldRunEvents();
        final RunUsageTracker runUsage = new RunUsageTracker();
        boolean listingAgents;
        boolean agentsChangedMeanwhile;
        String reloadPending;
        String shutdownReason;
        Long restartExpectedMs;

        Link(long generation) {
            this.generation = generation;
        }

        /** Sends after the previous send completed: the JDK WebSocket allows one outstanding send. */
        CompletableFuture<?> send(String text) {
            WebSocket target = this.socket;
            this.sending = this.sending.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> target.sendText(text, true));
            return this.sending;
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            enqueue(() -> opened(this, webSocket));
        }

        @Override
        public void onText(String text, int sizeBytes, long receivedAt) {
            enqueue(() -> handleText(this, text, sizeBytes, receivedAt));
        }

        @Override
        public void onOversized(String head, long sizeBytes, long receivedAt) {
            enqueue(() -> handleOversized(this, head, sizeBytes, receivedAt));
        }

        @Override
        public void onBinary(int sizeBytes, long receivedAt) {
            enqueue(() -> handleBinary(this, sizeBytes, receivedAt));
        }

        @Override
        public void onClosed(int statusCode, String reason) {
            enqueue(() -> handleClosed(this, statusCode, reason));
        }

        @Override
        public void onFailed(Throwable error) {
            enqueue(() -> handleFailed(this, error));
        }

        @Override
        public String toString() {
            return "Link#" + this.generation;
        }
    }
}

package io.crewstream.ingestor.upstream;

import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.publish.UpstreamOutput;
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
import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.schemas.records.KafkaOutage;
import io.crewstream.schemas.records.SnapshotRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one upstream gateway connected, from start-up until stop: the shell around an {@link UpstreamSession}, which
 * decides everything. This class owns what the session may not touch: the thread, the socket ({@link GatewaySocket}
 * over the JDK WebSocket), the timers and the {@link UpstreamOutput}. It turns socket callbacks, timers and calls
 * from the application into {@link UpstreamInput}s and carries out the {@link UpstreamEffect}s the session returns.
 *
 * <p>Threading: the session and everything below are confined to one single-threaded scheduled executor per
 * supervisor ({@code upstream-<id>}). WebSocket callbacks, timers, {@link #publishRecovered},
 * {@link #snapshotRequested}, {@link #start()} and {@link #stop()} only enqueue inputs on it, so nothing is touched by two threads and nothing
 * locks. Each socket is one {@link Socket}; its callbacks are dropped once the session has closed it, which is how
 * late callbacks of a dead socket are made harmless. Other threads read only {@link #status()},
 * {@link #lastFrameAt()} and {@link #agentListProblem()}, copied from the session into volatile fields after every
 * input. The executor is created by {@link #start()} and shut down by {@link #stop()}, which synchronize on this
 * object so that they may be called from any thread; until {@link #start()}, inputs from other threads are ignored.
 * Each start makes a new executor and, as its first task, a new session (a start after a stop is a fresh connect
 * with a full snapshot); the stop before it waited for the previous executor's thread to end (up to 5 s).
 */
public final class UpstreamSupervisor {

    private static final Logger log = LoggerFactory.getLogger(UpstreamSupervisor.class);

    private final UpstreamTarget target;
    private final IngestorProperties.Connection settings;
    private final HttpClient httpClient;
    private final UpstreamOutput output;
    private final UpstreamMetrics metrics;
    private final Clock clock;
    private final Supplier<UpstreamSession> sessions;
    // Replaced by each start, on the executor thread before the start is handled; until the first, a session that
    // was never started, for its status.
    private UpstreamSession session;
    // Set by start() (under this object's monitor), read by any thread that enqueues.
    private volatile ScheduledExecutorService executor;

    // Owned by the executor thread.
    private long socketCount;
    private Socket socket;
    private final Map<SessionTimer, ScheduledFuture<?>> timers = new HashMap<>();

    private volatile UpstreamStatus status;
    private volatile Long lastFrameAt;
    private volatile String agentListProblem;

    public UpstreamSupervisor(UpstreamTarget target, IngestorProperties.Connection settings,
            boolean activitySummaries, HttpClient httpClient, UpstreamOutput output, UpstreamMetrics metrics,
            String clientVersion, ReconnectBackoff backoff, Clock clock) {
        this.target = target;
        this.settings = settings;
        this.httpClient = httpClient;
        this.output = output;
        this.metrics = metrics;
        this.clock = clock;
        // A fresh session per start: a new owner knows nothing of what another run published, so it starts over
        // with a full initial snapshot. One backoff for all of them: a restart is no reason to forget the failures.
        this.sessions = () -> new UpstreamSession(target, settings, activitySummaries, clientVersion, backoff,
                metrics, clock);
        this.session = this.sessions.get();
        this.status = this.session.status();
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
        return this.lastFrameAt;
    }

    /** Why the last {@code agents.list} gave no list, null when it did (or none was asked yet); any thread. */
    public String agentListProblem() {
        return this.agentListProblem;
    }

    /**
     * Starts the supervisor thread and connecting on it, with a fresh session (so a full {@code initial} snapshot);
     * returns at once. Does nothing when already started. May follow a {@link #stop}.
     */
    public synchronized void start() {
        if (running()) {
            return;
        }
        awaitPreviousThread();
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "upstream-" + this.target.id());
            thread.setDaemon(true);
            return thread;
        });
        // On stop, pending reconnects and timers are moot: don't let them hold the thread.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setRemoveOnCancelPolicy(true);
        this.executor = executor;
        executor.execute(() -> {
            this.socket = null;
            this.timers.clear();
            this.session = this.sessions.get();
        });
        enqueue(new UpstreamInput.Start());
    }

    /**
     * A stop that timed out left the previous thread running (a callback stuck past 5 s); the new session must not
     * share the socket and timer fields with it, so wait for it a while longer, and say so if it still runs.
     */
    private void awaitPreviousThread() {
        ScheduledExecutorService previous = this.executor;
        if (previous == null || previous.isTerminated()) {
            return;
        }
        try {
            if (!previous.awaitTermination(10, TimeUnit.SECONDS)) {
                log.error("[{}] The previous supervisor thread is still running 10 s after it was stopped; starting "
                        + "anyway", this.target.id());
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether started and not stopped since; any thread. */
    public boolean running() {
        ScheduledExecutorService executor = this.executor;
        return executor != null && !executor.isShutdown();
    }

    /** Closes the connection, reports {@code disconnected} and waits (briefly) for the supervisor thread to end. */
    public void stop() {
        stop(StopMode.SHUTDOWN);
    }

    /**
     * Closes the connection, reports as {@code mode} says and waits (up to 5 s) for the supervisor thread to end,
     * so that the last status is handed to the output before this returns. Does nothing when not running.
     */
    public synchronized void stop(StopMode mode) {
        ScheduledExecutorService executor = this.executor;
        if (executor == null || executor.isShutdown()) {
            return;
        }
        enqueue(new UpstreamInput.Stop(mode));
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
     * Kafka accepts records again after failures: the status is restated with the outage and the connection listed
     * again in full (records may have been lost). Safe to call from any thread.
     */
    public void publishRecovered(KafkaOutage outage) {
        enqueue(new UpstreamInput.PublishRecovered(outage));
    }

    /**
     * A reader of the session events asked for a full snapshot ({@link SnapshotRequest}, e.g. the projector's table
     * disagreed with a verification marker). Safe to call from any thread.
     */
    public void snapshotRequested(SnapshotRequest request) {
        enqueue(new UpstreamInput.SnapshotRequested(request));
    }

    // ---- inputs ------------------------------------------------------------------------------------------------

    private void enqueue(UpstreamInput input) {
        ScheduledExecutorService executor = this.executor;
        if (executor == null) {
            // Not started: nothing to recover or report yet.
            return;
        }
        try {
            executor.execute(() -> feed(input));
        }
        catch (RejectedExecutionException ex) {
            // Stopped: late callbacks have nothing left to do.
        }
    }

    /** On the executor: one input in, its effects carried out. A failure is fed back as an input of its own. */
    private void feed(UpstreamInput input) {
        try {
            try {
                this.session.handle(input).forEach(this::execute);
            }
            catch (RejectedExecutionException ex) {
                // stop() shut the executor down while this input was handled: no timer may be scheduled any more,
                // and the stop queued behind it closes the link and reports.
                log.debug("[{}] Stopping; a timer was not scheduled", this.target.id());
            }
            catch (RuntimeException ex) {
                if (input instanceof UpstreamInput.InternalFailure) {
                    log.error("[{}] Failed handling a failure; waiting for the next input", this.target.id(), ex);
                }
                else {
                    feed(new UpstreamInput.InternalFailure(ex));
                }
            }
        }
        finally {
            this.status = this.session.status();
            this.lastFrameAt = this.session.lastFrameAt();
            this.agentListProblem = this.session.agentListProblem();
        }
    }

    // ---- effects -----------------------------------------------------------------------------------------------

    private void execute(UpstreamEffect effect) {
        if (effect instanceof OpenSocket) {
            open();
        }
        else if (effect instanceof SendFrame send) {
            this.socket.send(send);
        }
        else if (effect instanceof CloseSocket close) {
            if (this.socket != null) {
                GatewaySocket.close(this.socket.webSocket, close.code(), close.reason());
                this.socket = null;
            }
        }
        else if (effect instanceof LimitFrameSize limit) {
            this.socket.receiver.maxMessageBytes(limit.maxBytes());
        }
        else if (effect instanceof ScheduleTimer schedule) {
            schedule(schedule.timer(), schedule.delay());
        }
        else if (effect instanceof CancelTimer cancel) {
            ScheduledFuture<?> pending = this.timers.remove(cancel.timer());
            if (pending != null) {
                pending.cancel(false);
            }
        }
        else {
            publish(effect);
        }
    }

    private void publish(UpstreamEffect effect) {
        if (effect instanceof PublishSnapshot snapshot) {
            UpstreamOutput.SnapshotReceipt receipt = this.output.snapshot(snapshot.connectionId(), snapshot.reason(),
                    snapshot.sessions(), snapshot.observedAt(), snapshot.listedFrom());
            Duration took = Duration.ofMillis(Math.max(0, this.clock.millis() - snapshot.startedAt()));
            this.metrics.snapshot(receipt.sessions(), took);
            for (String rejected : receipt.rejected()) {
                log.error("[{}] Could not publish a session in full in snapshot {}: {}", this.target.id(),
                        receipt.snapshotId(), rejected);
            }
            this.metrics.rejectedRows(receipt.rejected().size());
            log.info("[{}] Published snapshot {} ({}): {} sessions in {} chunks, listed in {} ms", this.target.id(),
                    receipt.snapshotId(), snapshot.reason(), receipt.sessions(), receipt.chunks(), took.toMillis());
        }
        else if (effect instanceof PublishChange change) {
            this.output.change(change.event()).ifPresent(trimmed -> {
                this.metrics.rejectedRows(1);
                log.error("[{}] Could not publish a session change in full: {}", this.target.id(), trimmed);
            });
        }
        else if (effect instanceof PublishSessionsVerified verified) {
            this.output.sessionsVerified(verified.connectionId(), verified.reason(), verified.sessionCount(),
                    verified.digest(), verified.changesPublished(), verified.listedFrom(), verified.observedAt());
            this.metrics.relisted(verified.changesPublished());
            log.debug("[{}] Published {} changes and the verification marker ({}): {} sessions, digest {}, "
                    + "listed in {} ms", this.target.id(), verified.changesPublished(), verified.reason(),
                    verified.sessionCount(), verified.digest(), this.clock.millis() - verified.startedAt());
        }
        else if (effect instanceof PublishStatus status) {
            this.output.status(status.status());
        }
        else if (effect instanceof PublishRunEvent run) {
            this.output.runEvent(run.event(), run.eventId());
        }
        else if (effect instanceof PublishAgentList agents) {
            this.output.agentList(agents.list());
        }
        else if (effect instanceof PublishRawFrame raw) {
            this.output.rawFrame(raw.connectionId(), raw.receivedAt(), raw.frameType(), raw.event(), raw.seq(),
                    raw.sizeBytes(), raw.text(), raw.partial());
        }
        else {
            throw new IllegalStateException("no way to carry out " + effect);
        }
    }

    private void schedule(SessionTimer timer, Duration delay) {
        ScheduledFuture<?> replaced = this.timers.remove(timer);
        if (replaced != null) {
            replaced.cancel(false);
        }
        this.timers.put(timer, this.executor.schedule(() -> {
            this.timers.remove(timer);
            feed(new UpstreamInput.TimerFired(timer));
        }, delay.toMillis(), TimeUnit.MILLISECONDS));
    }

    private void open() {
        Socket opening = new Socket(++this.socketCount);
        this.socket = opening;
        log.debug("[{}] Opening socket #{} to {}", this.target.id(), opening.number, this.target.displayUrl());
        try {
            // No Origin header: the JDK sends none, and the gateway treats one as a browser (no loopback trust).
            this.httpClient.newWebSocketBuilder()
                    .connectTimeout(this.settings.connectTimeout())
                    .buildAsync(this.target.url(), opening.receiver)
                    .whenComplete((webSocket, failure) -> {
                        if (failure != null) {
                            opening.report(new UpstreamInput.OpenFailed(failure));
                        }
                    });
        }
        catch (RuntimeException ex) {
            opening.report(new UpstreamInput.OpenFailed(ex));
        }
    }

    /**
     * One socket to the gateway. Its {@link FrameListener} methods run on JDK threads and only enqueue; what they
     * report reaches the session only while this is still the supervisor's socket.
     */
    private final class Socket implements FrameListener {

        final long number;
        final GatewaySocket receiver;
        WebSocket webSocket;
        CompletableFuture<?> sending = CompletableFuture.completedFuture(null);

        Socket(long number) {
            this.number = number;
            this.receiver = new GatewaySocket(this, UpstreamSupervisor.this.clock::millis,
                    UpstreamSession.DEFAULT_MAX_PAYLOAD);
        }

        /** Sends after the previous send completed: the JDK WebSocket allows one outstanding send. */
        void send(SendFrame frame) {
            WebSocket target = this.webSocket;
            this.sending = this.sending.handle((ignored, failure) -> null)
                    .thenCompose(ignored -> target.sendText(frame.text(), true));
            this.sending.whenComplete((ignored, failure) -> {
                if (failure != null) {
                    report(new UpstreamInput.SendFailed(frame.method(), failure));
                }
            });
        }

        void report(UpstreamInput input) {
            ScheduledExecutorService executor = UpstreamSupervisor.this.executor;
            try {
                executor.execute(() -> {
                    if (this == UpstreamSupervisor.this.socket) {
                        feed(input);
                    }
                });
            }
            catch (RejectedExecutionException ex) {
                // Stopped: the socket is closed already.
            }
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            try {
                UpstreamSupervisor.this.executor.execute(() -> {
                    if (this == UpstreamSupervisor.this.socket) {
                        this.webSocket = webSocket;
                        feed(new UpstreamInput.SocketOpened());
                    }
                    else {
                        webSocket.abort();
                    }
                });
            }
            catch (RejectedExecutionException ex) {
                webSocket.abort();
            }
        }

        @Override
        public void onText(String text, int sizeBytes, long receivedAt) {
            report(new UpstreamInput.FrameReceived(text, sizeBytes, receivedAt));
        }

        @Override
        public void onOversized(String head, long sizeBytes, long receivedAt) {
            report(new UpstreamInput.OversizedFrame(head, sizeBytes, receivedAt));
        }

        @Override
        public void onBinary(int sizeBytes, long receivedAt) {
            report(new UpstreamInput.BinaryFrame(sizeBytes, receivedAt));
        }

        @Override
        public void onClosed(int statusCode, String reason) {
            report(new UpstreamInput.SocketClosed(statusCode, reason));
        }

        @Override
        public void onFailed(Throwable error) {
            report(new UpstreamInput.SocketFailed(error));
        }
    }
}

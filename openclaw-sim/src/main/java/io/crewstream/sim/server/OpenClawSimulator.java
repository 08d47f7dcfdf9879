package io.crewstream.sim.server;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.crewstream.sim.control.FaultState;
import io.crewstream.sim.control.Faults;
import io.crewstream.sim.control.GatewayOperations;
import io.crewstream.sim.protocol.CloseCodes;
import io.crewstream.sim.protocol.Events;
import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.protocol.Scopes;
import io.crewstream.sim.run.ActivityGenerator;
import io.crewstream.sim.run.Runs;
import io.crewstream.sim.session.Agent;
import io.crewstream.sim.session.SessionStore;

/**
 * A protocol-v4 OpenClaw gateway on a real WebSocket port (Jetty), backed by an in-memory {@link SessionStore} and
 * breakable through {@link #faults()}.
 *
 * <pre>{@code
 * try (OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults("secret"))) {
 *     gateway.start();
 *     connectTo(gateway.url());
 * }
 * }</pre>
 *
 * <p>Threading: {@link #start()}, {@link #stop()} and the fault operations that stop or re-open the port serialize on
 * one lifecycle lock and may be called from any thread. Jetty threads serve sockets; one scheduler thread
 * ("openclaw-sim-scheduler") sends ticks, enforces handshake timeouts and runs delayed work. Everything else is
 * thread-safe as documented on {@link SessionStore} and {@link Faults}.
 */
public final class OpenClawSimulator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(OpenClawSimulator.class);
    /** Jetty would otherwise close sockets idle for 30 s; the real gateway relies on ticks, not idle timeouts. */
    private static final Duration SOCKET_IDLE_TIMEOUT = Duration.ofHours(1);
    private static final Duration CLOSE_FLUSH_TIMEOUT = Duration.ofSeconds(2);
    /** Informational, like the real gateway's state-dir config file path. */
    private static final String CONFIG_PATH = "/openclaw-sim/openclaw.json";

    private final SimulatorConfig config;
    private final Clock clock;
    private final SessionStore sessions;
    private final FaultState faultState = new FaultState();
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final Object lifecycle = new Object();

    // Guarded by lifecycle.
    private ScheduledExecutorService scheduler;
    private RequestHandler requests;
    private Server server;
    private ScheduledFuture<?> ticks;
    private Faults faults;
    private Runs runs;
    private ActivityGenerator activity;
    private volatile int boundPort = -1;

    public OpenClawSimulator(SimulatorConfig config) {
        this(config, Clock.systemUTC());
    }

    public OpenClawSimulator(SimulatorConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.sessions = new SessionStore(config.agents(), clock);
    }

    /** Binds the port (a free one when the config says 0) and starts ticking. */
    public void start() {
        synchronized (lifecycle) {
            if (scheduler != null) {
                throw new IllegalStateException("simulator already started");
            }
            scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
                Thread thread = new Thread(runnable, "openclaw-sim-scheduler");
                thread.setDaemon(true);
                return thread;
            });
            requests = new RequestHandler(config, new GatewayMethods(sessions, clock), faultState, scheduler, clock);
            runs = new Runs(sessions, registry, scheduler, clock);
            activity = new ActivityGenerator(runs, sessions, config.activity());
            faults = new Faults(faultState, new Operations(), scheduler);
            sessions.addListener(registry);
            listen(config.port());
            long tickMs = config.tickInterval().toMillis();
            ticks = scheduler.scheduleAtFixedRate(this::tick, tickMs, tickMs, TimeUnit.MILLISECONDS);
            activity.start();
            log.info("OpenClaw simulator listening on {}", url());
            log.debug("simulator config: {}", config);
        }
    }

    /** Sends {@code shutdown} (no restart expected) and close 1012 to every socket, then releases the port. */
    public void stop() {
        synchronized (lifecycle) {
            if (scheduler == null) {
                return;
            }
            activity.stop();
            shutdownConnections("gateway stopping", null);
            runs.cutOffAll();
            ticks.cancel(false);
            stopServer();
            sessions.removeListener(registry);
            scheduler.shutdownNow();
            scheduler = null;
            faults = null;
            runs = null;
            activity = null;
        }
    }

    @Override
    public void close() {
        stop();
    }

    /** {@code ws://host:port}; valid after {@link #start()}. */
    public URI url() {
        return URI.create("ws://" + config.host() + ":" + port());
    }

    public int port() {
        if (boundPort < 0) {
            throw new IllegalStateException("simulator not started");
        }
        return boundPort;
    }

    public SimulatorConfig config() {
        return config;
    }

    /** The gateway's sessions; mutate them to emit {@code sessions.changed} to subscribers. */
    public SessionStore sessions() {
        return sessions;
    }

    /** Fault injection; valid after {@link #start()}. */
    public Faults faults() {
        synchronized (lifecycle) {
            if (faults == null) {
                throw new IllegalStateException("simulator not started");
            }
            return faults;
        }
    }

    /** Agent runs (live activity); valid after {@link #start()}. */
    public Runs runs() {
        synchronized (lifecycle) {
            if (runs == null) {
                throw new IllegalStateException("simulator not started");
            }
            return runs;
        }
    }

    /** The random run generator of {@link SimulatorConfig#activity()}; valid after {@link #start()}. */
    public ActivityGenerator activity() {
        synchronized (lifecycle) {
            if (activity == null) {
                throw new IllegalStateException("simulator not started");
            }
            return activity;
        }
    }

    /**
     * Adds an agent at runtime: {@code agents.list} and {@code health} show it from now on, and every read-scoped
     * socket gets {@code config.changed {path, hash, ts}}. There is no agents event: on {@code openclaw@2026.9.6}
     * {@code agents.create} / {@code agents.delete} rewrite the config file and the only generic signal is
     * {@code config.changed} (observed, among unrelated {@code cron}, {@code plugins.changed}, {@code skills.changed},
     * {@code chat.metadata.changed}), so a client must re-list {@code agents.list}.
     *
     * @throws IllegalArgumentException when the id exists
     */
    public void addAgent(Agent agent) {
        sessions.addAgent(agent);
        configChanged();
    }

    /**
     * Removes an agent at runtime (not the default one); its sessions stay. Emits {@code config.changed} like
     * {@link #addAgent}.
     *
     * @throws IllegalArgumentException for an unknown id or the default agent
     */
    public void removeAgent(String agentId) {
        sessions.removeAgent(agentId);
        configChanged();
    }

    private void configChanged() {
        String hash = "hmac-sha256:v1:" + Integer.toHexString(sessions.agents().hashCode());
        String payload = Json.write(Json.object().put("path", CONFIG_PATH).put("hash", hash).put("ts", clock.millis()));
        registry.broadcast(Events.CONFIG_CHANGED, payload,
                connection -> connection.authenticated() && Scopes.grants(connection.scopes(), Scopes.READ), true);
    }

    /** Sockets that completed {@code connect}. */
    public int authenticatedConnections() {
        return registry.authenticatedCount();
    }

    private void tick() {
        if (!faultState.silent()) {
            String payload = Json.write(Json.object().put("ts", clock.millis()));
            registry.broadcast(Events.TICK, payload, GatewayConnection::authenticated, true);
        }
    }

    private void listen(int port) {
        QueuedThreadPool threads = new QueuedThreadPool(32, 4);
        threads.setName("openclaw-sim");
        threads.setDaemon(true);
        Server jetty = new Server(threads);
        ServerConnector connector = new ServerConnector(jetty, 1, 1);
        connector.setHost(config.host());
        connector.setPort(port);
        jetty.addConnector(connector);
        WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(jetty, container -> {
            container.setMaxTextMessageSize(config.maxPayload());
            container.setIdleTimeout(SOCKET_IDLE_TIMEOUT);
            container.addMapping("/*", (request, response, callback) ->
                    new GatewayConnection(requests, registry, config.maxBufferedBytes()));
        });
        upgrade.setHandler(new ProbeHandler(faultState));
        jetty.setHandler(upgrade);
        jetty.setStopTimeout(0);
        try {
            jetty.start();
        } catch (Exception ex) {
            stopQuietly(jetty);
            throw new IllegalStateException("cannot listen on " + config.host() + ":" + port, ex);
        }
        server = jetty;
        boundPort = connector.getLocalPort();
    }

    private void stopServer() {
        if (server != null) {
            stopQuietly(server);
            server = null;
        }
    }

    private static void stopQuietly(Server jetty) {
        try {
            jetty.stop();
        } catch (Exception ex) {
            log.warn("Jetty did not stop cleanly: {}", ex.toString());
        }
    }

    private void shutdownConnections(String reason, Long restartExpectedMs) {
        var payload = Json.object().put("reason", reason);
        if (restartExpectedMs == null) {
            payload.putNull("restartExpectedMs");
        } else {
            payload.put("restartExpectedMs", restartExpectedMs);
        }
        String json = Json.write(payload);
        List<CompletableFuture<Void>> closes = new ArrayList<>();
        for (GatewayConnection connection : registry.snapshot()) {
            if (connection.authenticated()) {
                connection.sendEvent(Events.SHUTDOWN, json, false);
            }
            closes.add(connection.close(CloseCodes.SERVICE_RESTART, "service restart"));
        }
        awaitFlushed(closes);
    }

    /** Close frames must leave before the port goes away, or clients would see 1006 instead of 1012. */
    private static void awaitFlushed(List<CompletableFuture<Void>> closes) {
        try {
            CompletableFuture.allOf(closes.toArray(CompletableFuture[]::new))
                    .get(CLOSE_FLUSH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ex) {
            log.debug("not every close frame was flushed: {}", ex.toString());
        }
    }

    /** The server side of {@link Faults}. */
    private final class Operations implements GatewayOperations {

        @Override
        public void dropAllConnections() {
            registry.snapshot().forEach(GatewayConnection::disconnect);
        }

        @Override
        public void shutdownConnections(String reason, Long restartExpectedMs) {
            OpenClawSimulator.this.shutdownConnections(reason, restartExpectedMs);
        }

        @Override
        public void cutOffRuns() {
            synchronized (lifecycle) {
                if (runs != null) {
                    runs.cutOffAll();
                }
            }
        }

        @Override
        public void stopListening() {
            synchronized (lifecycle) {
                stopServer();
            }
        }

        @Override
        public void startListening() {
            synchronized (lifecycle) {
                if (scheduler == null) {
                    throw new IllegalStateException("simulator stopped");
                }
                if (server == null) {
                    listen(boundPort);
                }
            }
        }

        @Override
        public void sendRawToAll(String text) {
            registry.snapshot().stream().filter(GatewayConnection::authenticated)
                    .forEach(connection -> connection.sendUnsequenced(text));
        }

        @Override
        public void skipSeqOnAll(int count) {
            registry.snapshot().forEach(connection -> connection.skipSeq(count));
        }

        @Override
        public long maxPayload() {
            return config.maxPayload();
        }
    }
}

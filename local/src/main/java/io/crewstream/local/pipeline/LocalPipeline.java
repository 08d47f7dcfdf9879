package io.crewstream.local.pipeline;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.upstream.UpstreamStatus;
import io.crewstream.ingestor.upstream.UpstreamSupervisor;
import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import io.crewstream.local.apps.EmbeddedApp;
import io.crewstream.local.demo.DemoGateway;
import io.crewstream.local.kafka.EmbeddedKafkaBroker;
import io.crewstream.local.kafka.TopicSetup;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.ssegateway.state.SessionTable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.springframework.core.ResolvableType;

/**
 * The whole pipeline on one machine, in this JVM: Kafka (embedded, or the cluster given), the topics, the demo
 * gateway when asked for, the projector, the agent-usage app, the SSE gateway and the ingestor, started in that order, each step
 * reported to {@link Progress}; {@link #stop()} stops them in reverse order. The ingestor stops first so that its
 * last status ({@code disconnected}) still reaches the projector and the table is truthful on the next start.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} may be called from different threads (the main thread starts,
 * a shutdown hook stops) and are serialized on this object; a stop requested during start-up makes the start give up
 * at its next wait or step, then stops what was started. The parts run on their own threads.
 */
public final class LocalPipeline {

    /** How long start-up waits for the first word from the upstream gateway before reporting its state anyway. */
    private static final Duration UPSTREAM_WAIT = Duration.ofSeconds(10);
    private static final Duration TABLE_WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(50);

    private final LocalRun run;
    private final Progress progress;
    private final Deque<Stoppable> started = new ArrayDeque<>();

    private EmbeddedKafkaBroker broker;
    private DemoGateway demo;
    private EmbeddedApp projector;
    private EmbeddedApp agentUsage;
    private EmbeddedApp sseGateway;
    private EmbeddedApp ingestor;
    private boolean stopped;
    /** Set by {@link #stop()} before it waits for a running {@link #start()}, so that start gives up early. */
    private volatile boolean stopRequested;

    public LocalPipeline(LocalRun run, Progress progress) {
        this.run = run;
        this.progress = progress;
    }

    /**
     * Starts everything and returns once the dashboard serves the table. If a part fails to start, the parts
     * already started are stopped again and the failure is thrown.
     */
    public synchronized void start() {
        if (this.stopped) {
            throw new IllegalStateException("this pipeline was stopped; create a new one");
        }
        long begin = System.nanoTime();
        try {
            String bootstrapServers = startKafka();
            List<String> created = new TopicSetup(bootstrapServers, this.run.namespace(), this.run.partitions(),
                    TopicReplication.SINGLE).createMissing();
            this.progress.step("Topics ready: " + Topic.values().length + " crewstream topics"
                    + (created.isEmpty() ? ", all kept from before" : ", " + created.size() + " created"));

            PipelineConfig.Upstream upstream = null;
            if (this.run.demo()) {
                this.demo = new DemoGateway(this.run.demoPlan(), this.run.demoAgents(),
                        this.run.dataDirectory().resolve("demo-gateway.token"));
                this.demo.start();
                this.started.push(this.demo::stop);
                upstream = new PipelineConfig.Upstream(DemoGateway.CONNECTION_ID, this.demo.url(),
                        this.demo.tokenFile());
                this.progress.step("Demo gateway (openclaw-sim) on " + this.demo.url() + ": "
                        + this.run.demoPlan().sessions() + " sessions over " + this.run.demoAgents() + " agents, "
                        + this.run.demoPlan().changesPerSecond() + " changes/s, " + DemoGateway.RUNS_PER_MINUTE
                        + " agent runs/min");
            }
            PipelineConfig config = new PipelineConfig(bootstrapServers, this.run.namespace(), this.run.partitions(),
                    this.run.dashboardPort(), this.run.ingestorPort(), this.run.projectorPort(),
                    this.run.agentUsagePort(), this.run.dataDirectory().resolve("projector"),
                    this.run.dataDirectory().resolve("agent-usage"), this.run.projectorApplicationId(), upstream,
                    this.run.extraSettings());

            this.projector = startApp(PipelineApps.projector(config));
            this.progress.step("Projector running (state in " + config.projectorStateDir() + ")");
            this.agentUsage = startApp(PipelineApps.agentUsage(config));
            this.progress.step("Agent usage app running (state in " + config.agentUsageStateDir() + ")");

            this.sseGateway = startApp(PipelineApps.sseGateway(config));
            SessionTable table = this.sseGateway.bean(SessionTable.class);
            awaitOrFail(table::loaded, TABLE_WAIT, "the SSE gateway to load the table");
            this.progress.step("Table loaded: " + table.sessionCount() + " sessions, " + table.connections().size()
                    + " gateways known");

            this.ingestor = startApp(PipelineApps.ingestor(config));
            if (upstream == null) {
                reportOrigins();
            }
            reportUpstreams(table);

            this.progress.step(String.format("Ready in %.1f s: open http://localhost:%d",
                    (System.nanoTime() - begin) / 1e9, this.sseGateway.port()));
        }
        catch (RuntimeException ex) {
            stopStarted();
            throw ex;
        }
    }

    /** Stops every part that was started, newest first. Safe to call more than once. */
    public void stop() {
        this.stopRequested = true;
        synchronized (this) {
            if (this.stopped) {
                return;
            }
            this.stopped = true;
            stopStarted();
        }
    }

    /** The SSE gateway's HTTP port (dashboard, {@code /api/events}). */
    public int dashboardPort() {
        return app(this.sseGateway).port();
    }

    public EmbeddedApp ingestor() {
        return app(this.ingestor);
    }

    public EmbeddedApp projector() {
        return app(this.projector);
    }

    public EmbeddedApp sseGateway() {
        return app(this.sseGateway);
    }

    public EmbeddedApp agentUsage() {
        return app(this.agentUsage);
    }

    /** The demo gateway, when this run has one. */
    public Optional<DemoGateway> demo() {
        return Optional.ofNullable(this.demo);
    }

    private String startKafka() {
        if (this.run.externalBootstrapServers() != null) {
            String servers = this.run.externalBootstrapServers();
            requireReachable(servers);
            this.progress.step("Kafka: using the cluster at " + servers + " (KAFKA_BOOTSTRAP_SERVERS)");
            return servers;
        }
        long begin = System.nanoTime();
        this.broker = new EmbeddedKafkaBroker(this.run.dataDirectory().resolve("kafka"), this.run.kafkaPort(),
                this.run.kafkaControllerPort());
        boolean fresh = this.broker.isNew();
        this.broker.start();
        this.started.push(this.broker::stop);
        this.progress.step(String.format("Kafka broker up at %s in %.1f s (data in %s, %s)",
                this.broker.bootstrapServers(), (System.nanoTime() - begin) / 1e9, this.broker.dataDirectory(),
                fresh ? "new" : "kept from the last run"));
        return this.broker.bootstrapServers();
    }

    private EmbeddedApp startApp(EmbeddedApp app) {
        requireNoStopRequest();
        try {
            app.start();
        }
        catch (RuntimeException ex) {
            throw new PartFailedException(app.name(), app.setting("server.port"), ex);
        }
        this.started.push(app::stop);
        return app;
    }

    /** Where each gateway's address and token came from, when the ingestor found them itself (never the token). */
    private void reportOrigins() {
        List<UpstreamTarget> targets = this.ingestor.context()
                .<List<UpstreamTarget>>getBeanProvider(ResolvableType.forClassWithGenerics(List.class,
                        UpstreamTarget.class))
                .getObject();
        for (UpstreamTarget target : targets) {
            this.progress.step("Upstream '" + target.id() + "': " + target.origin());
        }
    }

    private void reportUpstreams(SessionTable table) {
        List<UpstreamSupervisor> supervisors = this.ingestor.bean(UpstreamSupervisors.class).all();
        for (UpstreamSupervisor supervisor : supervisors) {
            await(() -> supervisor.status().state() != UpstreamState.CONNECTING, UPSTREAM_WAIT);
            UpstreamStatus status = supervisor.status();
            if (status.state() == UpstreamState.CONNECTED) {
                // Connected means the snapshot went out; wait until it has come all the way round to the table.
                await(() -> connectedInTable(table, supervisor.connectionId()), UPSTREAM_WAIT);
                long sessions = table.sessions().stream()
                        .filter(session -> session.connectionId().equals(supervisor.connectionId()))
                        .count();
                this.progress.step("Upstream '" + status.connectionId() + "' connected to " + status.upstreamUrl()
                        + (status.gatewayVersion() != null ? " (OpenClaw " + status.gatewayVersion() + ")" : "")
                        + ": " + sessions + " sessions on the dashboard");
            }
            else {
                this.progress.step("Upstream '" + status.connectionId() + "' is " + status.state().wireName()
                        + " at " + status.upstreamUrl()
                        + (status.reason() != null ? ": " + status.reason() : "")
                        + ". The ingestor keeps retrying; the dashboard shows the gateway's state."
                        + hint(status.state()));
            }
        }
    }

    private static boolean connectedInTable(SessionTable table, String connectionId) {
        for (ConnectionState connection : table.connections()) {
            if (connection.connectionId().equals(connectionId) && connection.state() == UpstreamState.CONNECTED) {
                return true;
            }
        }
        return false;
    }

    private static String hint(UpstreamState state) {
        return switch (state) {
            case AUTH_FAILED -> " Check the token named above; another one goes in "
                    + "CREWSTREAM_INGESTOR_UPSTREAMS_0_TOKENFILE (a file) or _TOKENENV (a variable's name).";
            case UNREACHABLE -> " Is OpenClaw running? Or try --demo.";
            default -> "";
        };
    }

    private void stopStarted() {
        RuntimeException failure = null;
        while (!this.started.isEmpty()) {
            try {
                this.started.pop().stop();
            }
            catch (RuntimeException ex) {
                // Keep stopping the rest: a part that fails to stop must not keep the others running.
                if (failure == null) {
                    failure = ex;
                }
                else {
                    failure.addSuppressed(ex);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void requireReachable(String bootstrapServers) {
        Map<String, Object> config = Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                15_000);
        try (Admin admin = Admin.create(config)) {
            admin.describeCluster().nodes().get(20, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " (KAFKA_BOOTSTRAP_SERVERS) does not "
                    + "answer: " + ex.getMessage() + ". Unset KAFKA_BOOTSTRAP_SERVERS to use the embedded broker.", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while contacting Kafka", ex);
        }
    }

    private void requireNoStopRequest() {
        if (this.stopRequested) {
            throw new IllegalStateException("start-up abandoned: the pipeline is stopping");
        }
    }

    private void awaitOrFail(BooleanSupplier condition, Duration timeout, String what) {
        if (!await(condition, timeout)) {
            throw new IllegalStateException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
        }
    }

    private boolean await(BooleanSupplier condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            requireNoStopRequest();
            if (System.nanoTime() > deadline) {
                return false;
            }
            try {
                Thread.sleep(POLL.toMillis());
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static EmbeddedApp app(EmbeddedApp app) {
        if (app == null) {
            throw new IllegalStateException("not started");
        }
        return app;
    }

    /** A part of the pipeline that can be stopped. */
    @FunctionalInterface
    private interface Stoppable {
        void stop();
    }

    /** Receives one line per start-up step. */
    @FunctionalInterface
    public interface Progress {
        void step(String line);
    }
}

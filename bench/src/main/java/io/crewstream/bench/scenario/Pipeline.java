package io.crewstream.bench.scenario;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.bench.load.BenchRows;
import io.crewstream.bench.load.Pacer;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.ProcessStats;
import io.crewstream.bench.process.Services;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import org.apache.kafka.clients.admin.Admin;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import tools.jackson.databind.node.ObjectNode;

/**
 * The whole pipeline on one broker: an OpenClaw simulator in this process (so the harness can change sessions and
 * break the upstream), the ingestor, the projector and one SSE gateway, each in its own JVM as in production.
 */
final class Pipeline implements AutoCloseable {

    static final String CONNECTION_ID = "bench";

    static final String TOKEN = "bench-token";

    private final OpenClawSimulator simulator;

    private final List<JavaProcess> processes = new ArrayList<>();

    private final TopicNamespace namespace;

    private GatewayUnderTest gateway;

    private Duration startup;

    private Path jfrPrefix;

    private Pipeline(OpenClawSimulator simulator, TopicNamespace namespace) {
        this.simulator = simulator;
        this.namespace = namespace;
    }

    /** A simulator listening on a free port, not yet connected to anything; seed it, then {@link #start}. */
    static Pipeline create(BenchContext context) {
        OpenClawSimulator simulator = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN).withPort(0));
        simulator.start();
        return new Pipeline(simulator, context.namespace("bench-pipeline"));
    }

    OpenClawSimulator simulator() {
        return this.simulator;
    }

    TopicNamespace namespace() {
        return this.namespace;
    }

    GatewayUnderTest gateway() {
        return this.gateway;
    }

    /** Starts projector, ingestor and gateway together and waits until the gateway is ready. */
    void start(BenchContext context, String gatewayHeap, String... gatewayProperties) {
        start(context, gatewayHeap, null, gatewayProperties);
    }

    /**
     * As above; with a {@code jfrPrefix}, each service records its life in a flight recording (CPU samples every
     * 10 ms, the JDK's {@code profile} settings), written when it stops: {@link #recording}.
     */
    void start(BenchContext context, String gatewayHeap, Path jfrPrefix, String... gatewayProperties) {
        long start = System.nanoTime();
        this.jfrPrefix = jfrPrefix;
        Services services = context.services();
        String bootstrap = context.broker().bootstrapServers();
        this.processes.add(services.projector("projector", recordingOptions("projector"), Services.freePort(),
                bootstrap, this.namespace.prefix()));
        this.processes.add(services.ingestor("ingestor", recordingOptions("ingestor"), Services.freePort(),
                bootstrap, this.namespace.prefix(), CONNECTION_ID, this.simulator.url(), TOKEN));
        // The gateway's table reader gives up when its topics are missing at start (partitionsFor throws a
        // TimeoutException with Kafka 4 clients instead of returning no partitions), so wait for the projector's.
        awaitTopics(context, this.namespace, Duration.ofMinutes(3), Topic.SESSION_STATE, Topic.CONNECTION_STATE,
                Topic.SESSION_ACTIVITY, Topic.AGENT_STATE);
        List<String> gatewayJvm = new ArrayList<>(List.of("-Xmx" + gatewayHeap, "-Xms" + gatewayHeap));
        gatewayJvm.addAll(recordingOptions("sse-gateway"));
        this.gateway = GatewayUnderTest.start(context, this.namespace.prefix(), gatewayJvm, gatewayProperties);
        this.startup = Duration.ofNanos(System.nanoTime() - start);
    }

    /** The flight recording {@code service} writes when it stops; null when the pipeline records none. */
    Path recording(String service) {
        return (this.jfrPrefix == null) ? null : Path.of(this.jfrPrefix + "-" + service + ".jfr");
    }

    private List<String> recordingOptions(String service) {
        return (this.jfrPrefix == null) ? List.of() : List.of(
                "-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + recording(service));
    }

    /** Waits until every one of {@code topics} exists in {@code namespace}. */
    static void awaitTopics(BenchContext context, TopicNamespace namespace, Duration timeout, Topic... topics) {
        awaitTopics(context.broker().adminConfig(), namespace, timeout, topics);
    }

    /** As above, on the broker {@code adminConfig} reaches. */
    static void awaitTopics(Map<String, Object> adminConfig, TopicNamespace namespace, Duration timeout,
            Topic... topics) {
        try (Admin admin = Admin.create(adminConfig)) {
            await(() -> {
                try {
                    Set<String> names = admin.listTopics().names().get();
                    return Arrays.stream(topics).allMatch(topic -> names.contains(namespace.name(topic)));
                }
                catch (ExecutionException ex) {
                    return false;
                }
                catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(ex);
                }
            }, timeout);
        }
    }

    /** From starting the three services to the gateway reporting ready. */
    Duration startup() {
        return this.startup;
    }

    /** Creates sessions {@code 0..count-1} upstream, rows padded to about {@code rowBytes}. */
    void seed(int count, int rowBytes) {
        for (int i = 0; i < count; i++) {
            seed(BenchRows.key(i), "bench " + i, rowBytes);
        }
    }

    /** Creates one unstamped session upstream, padded to about {@code rowBytes}. */
    void seed(String key, String label, int rowBytes) {
        this.simulator.sessions().create(key, paddedFields(label, rowBytes));
    }

    /** An unstamped session's fields, padded so that the gateway's row is about {@code rowBytes}. */
    static ObjectNode paddedFields(String label, int rowBytes) {
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put("label", label);
        fields.put("status", "running");
        fields.put("lastMessagePreview", "x".repeat(Math.max(0, rowBytes - 900)));
        return fields;
    }

    /** Creates one session upstream now, padded to about {@code rowBytes}, stamped with the change time. */
    long createStamped(String key, int rowBytes) {
        long now = BenchTimestamps.nowMicros();
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put(BenchTimestamps.FIELD, now);
        fields.put("label", "bench " + key);
        fields.put("status", "running");
        fields.put("lastMessagePreview", "x".repeat(Math.max(0, rowBytes - 900)));
        this.simulator.sessions().create(key, fields);
        return now;
    }

    /** Deletes one session upstream now. */
    void delete(String key) {
        this.simulator.sessions().delete(key);
    }

    /** The upstream's sessions now, each with its {@link BenchTimestamps#FIELD} (-1 when it has none). */
    Map<String, Long> truth() {
        Map<String, Long> stamps = new HashMap<>();
        for (String key : this.simulator.sessions().keys()) {
            this.simulator.sessions().get(key).ifPresent(row -> stamps.put(key,
                    row.has(BenchTimestamps.FIELD) ? row.get(BenchTimestamps.FIELD).asLong() : -1));
        }
        return stamps;
    }

    /** The gateway's process, for scenarios that sample it. */
    long gatewayPid() {
        return this.gateway.pid();
    }

    /** Ingestor and projector (in that order of start: projector first), for scenarios that sample them. */
    List<JavaProcess> processes() {
        return List.copyOf(this.processes);
    }

    /** Changes one session upstream now, stamped with the change time; returns the stamp. */
    long change(String key, long version) {
        long now = BenchTimestamps.nowMicros();
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put(BenchTimestamps.FIELD, now);
        fields.put("totalTokens", 1000 + version);
        fields.put("status", (version % 3 == 0) ? "done" : "running");
        this.simulator.sessions().patch(key, fields, null);
        return now;
    }

    /**
     * Changes sessions {@code 0..sessions-1} round robin at {@code rate} for {@code seconds} (versions from
     * {@code versionBase}); returns the number of changes.
     */
    long changeRoundRobin(int sessions, int rate, int seconds, long versionBase) {
        return Pacer.run(rate, seconds, i -> change(BenchRows.key((int) (i % sessions)), versionBase + i));
    }

    /** VmRSS of ingestor, projector and gateway, and of this process (broker, simulator, harness), in KiB. */
    ObjectNode memory(ObjectNode into) {
        long total = 0;
        for (JavaProcess process : this.processes) {
            long rss = ProcessStats.rssKb(process.pid());
            into.put(process.name() + "RssKb", rss);
            total += rss;
        }
        long gatewayRss = this.gateway.rssKb();
        into.put("sseGatewayRssKb", gatewayRss);
        long self = ProcessStats.rssKb(ProcessHandle.current().pid());
        into.put("brokerSimulatorHarnessRssKb", self);
        into.put("servicesRssKb", total + gatewayRss);
        into.put("totalRssKb", total + gatewayRss + self);
        return into;
    }

    List<Long> servicePids() {
        List<Long> pids = new ArrayList<>(this.processes.stream().map(JavaProcess::pid).toList());
        pids.add(this.gateway.pid());
        return pids;
    }

    URI events() {
        return this.gateway.events();
    }

    /** Polls every few milliseconds until the condition holds; returns how long that took. */
    static Duration await(BooleanSupplier condition, Duration timeout) {
        long start = System.nanoTime();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - start > timeout.toNanos()) {
                throw new IllegalStateException("condition not met within " + timeout);
            }
            Services.sleep(2);
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    @Override
    public void close() {
        if (this.gateway != null) {
            this.gateway.close();
        }
        this.processes.forEach(JavaProcess::close);
        this.simulator.close();
    }
}

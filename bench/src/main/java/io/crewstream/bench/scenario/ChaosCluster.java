package io.crewstream.bench.scenario;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;

import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.Services;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.net.FaultProxy;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * Everything a chaos run breaks, each service in a process of its own: a Kafka broker (the {@code local} module's,
 * on a directory of its own), the ingestor, the projector and two SSE gateways, with an OpenClaw simulator in this
 * process. Two {@link FaultProxy}s carry the traffic that network faults hit: the ingestor's connection to its
 * gateway (its upstream URL is the proxy's), and every Kafka client's traffic (the broker advertises the proxy's
 * port, so every connection after the bootstrap goes through it too, the harness's own included). Services are
 * restarted with the same ports, directory and names, as a supervisor would.
 *
 * <p>Threading: one thread (the scenario's) drives it, except that a restart may run on another thread while the
 * scenario waits for convergence; a service is never killed and restarted at the same time.
 */
final class ChaosCluster implements AutoCloseable {

    static final String CONNECTION_ID = "chaos";

    private static final String TOKEN = "chaos-token";

    private final BenchContext context;

    private final OpenClawSimulator simulator;

    private final TopicNamespace namespace = new TopicNamespace("chaos-" + UUID.randomUUID().toString()
            .substring(0, 8) + ".");

    private final Path kafkaDirectory;

    // Chosen by start(), kept across restarts.
    private int kafkaPort;

    private int controllerPort;

    private final int[] gatewayPorts = new int[2];

    private final String gatewayHeap;

    private FaultProxy kafkaProxy;

    private FaultProxy upstreamProxy;

    private JavaProcess broker;

    private JavaProcess ingestor;

    private JavaProcess projector;

    private final GatewayUnderTest[] gateways = new GatewayUnderTest[2];

    private final int[] starts = new int[5];

    ChaosCluster(BenchContext context, String gatewayHeap) {
        this.context = context;
        this.gatewayHeap = gatewayHeap;
        this.simulator = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN).withPort(0));
        this.kafkaDirectory = context.logs().resolve("chaos-kafka-" + this.namespace.prefix().replace(".", ""));
    }

    /** Starts the simulator (for seeding), before {@link #start()}. */
    OpenClawSimulator simulator() {
        return this.simulator;
    }

    void startSimulator() {
        this.simulator.start();
    }

    /** Starts proxies, broker, projector, ingestor and both gateways; returns once both gateways are ready. */
    void start() {
        this.kafkaPort = Services.freePort();
        this.controllerPort = Services.freePort();
        this.gatewayPorts[0] = Services.freePort();
        this.gatewayPorts[1] = Services.freePort();
        this.upstreamProxy = new FaultProxy("upstream", new InetSocketAddress("127.0.0.1", this.simulator.port()), 0)
                .start();
        this.kafkaProxy = new FaultProxy("kafka", new InetSocketAddress("localhost", this.kafkaPort), 0).start();
        startBroker();
        startProjector();
        startIngestor();
        // The gateway's table reader gives up when its topics are missing at start: wait for the projector's.
        Pipeline.awaitTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()), this.namespace,
                Duration.ofMinutes(3), Topic.SESSION_STATE, Topic.CONNECTION_STATE, Topic.SESSION_ACTIVITY,
                Topic.AGENT_STATE);
        startGateway(0);
        startGateway(1);
    }

    FaultProxy kafkaProxy() {
        return this.kafkaProxy;
    }

    FaultProxy upstreamProxy() {
        return this.upstreamProxy;
    }

    /** Every Kafka client's bootstrap: the proxy. */
    String bootstrapServers() {
        return "localhost:" + this.kafkaProxy.port();
    }

    /** The event-stream URIs of both gateways, {@code first} first. */
    List<URI> events(int first) {
        List<URI> events = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            events.add(URI.create("http://127.0.0.1:" + this.gatewayPorts[(first + i) % 2] + "/api/events"));
        }
        return events;
    }

    void killBroker() {
        this.broker.kill();
    }

    void startBroker() {
        this.broker = this.context.services().kafkaBroker(name("kafka-broker", 0), this.kafkaDirectory,
                this.kafkaPort, this.controllerPort, this.kafkaProxy.port());
    }

    void killIngestor() {
        this.ingestor.kill();
    }

    void startIngestor() {
        this.ingestor = this.context.services().ingestor(name("ingestor", 1), Services.freePort(),
                bootstrapServers(), this.namespace.prefix(), CONNECTION_ID,
                URI.create("ws://127.0.0.1:" + this.upstreamProxy.port()), TOKEN);
    }

    void killProjector() {
        this.projector.kill();
    }

    void startProjector() {
        // Static membership, as the projector's README advises for restarts: the restarted instance takes its
        // partitions back at once instead of after the dead member's session timeout (45 s).
        this.projector = this.context.services().projector(name("projector", 2), Services.freePort(),
                bootstrapServers(), this.namespace.prefix(), "--crewstream.projector.instance-id=chaos-projector");
    }

    void killGateway(int index) {
        this.gateways[index].kill();
    }

    /** Starts gateway {@code index} on its port and waits until it is ready. */
    void startGateway(int index) {
        this.gateways[index] = GatewayUnderTest.start(this.context, name("sse-gateway-" + "ab".charAt(index),
                3 + index), this.gatewayPorts[index], bootstrapServers(), this.namespace.prefix(),
                List.of("-Xmx" + this.gatewayHeap, "-Xms" + this.gatewayHeap));
    }

    /** Each start of a service gets its own log file: {@code ingestor.log}, {@code ingestor-2.log}, … */
    private String name(String service, int slot) {
        int start = ++this.starts[slot];
        return (start == 1) ? service : service + "-" + start;
    }

    @Override
    public void close() {
        for (GatewayUnderTest gateway : this.gateways) {
            if (gateway != null) {
                gateway.close();
            }
        }
        Stream.of(this.ingestor, this.projector, this.broker).filter(process -> process != null)
                .forEach(JavaProcess::close);
        Stream.of(this.upstreamProxy, this.kafkaProxy).filter(proxy -> proxy != null).forEach(FaultProxy::close);
        this.simulator.close();
        deleteKafkaDirectory();
    }

    private void deleteKafkaDirectory() {
        if (!Files.exists(this.kafkaDirectory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(this.kafkaDirectory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

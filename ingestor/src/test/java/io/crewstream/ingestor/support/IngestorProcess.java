package io.crewstream.ingestor.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.crewstream.ingestor.IngestorApplication;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real ingestor application in a JVM of its own ({@code java -cp <this test's class path> IngestorApplication}),
 * so that a test can end it as a crashed host ends ({@code kill -9}) or freeze it as a long GC pause or a suspended
 * VM would ({@code kill -STOP}, then {@code kill -CONT}). Each gateway's token is in the child's environment, never
 * on its command line. Its output goes to {@link #log()}, which is kept after the test for a failure's diagnosis.
 *
 * <p>Threading: start, kill, freeze, resume and close are called by the test's thread; the HTTP reads
 * ({@link #ownership()}, {@link #metric}) are stateless and may be called from any thread (Awaitility's).
 */
public final class IngestorProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Small heap, quick start: three of them share two cores with the broker and the test. */
    private static final List<String> JVM_OPTIONS = List.of("-Xmx192m", "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1", "-Xss512k");

    private final String instanceId;
    private final Process process;
    private final int port;
    private final Path log;

    private IngestorProcess(String instanceId, Process process, int port, Path log) {
        this.instanceId = instanceId;
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** One gateway the instance shares with the others: its connection id, address and token. */
    public record Gateway(String id, URI url, String token) {

        /** The environment variable the child reads the token from. */
        String tokenEnv() {
            return "CREWSTREAM_TEST_TOKEN_" + this.id.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        }
    }

    /**
     * Starts an instance named {@code instanceId} sharing {@code gateways} with every other instance started with
     * the same namespace; returns at once (the JVM starts in the background: await {@link #ownership()}).
     */
    public static IngestorProcess start(String instanceId, String bootstrapServers, String topicPrefix,
            List<Gateway> gateways, Duration sessionTimeout, Duration heartbeatInterval, Path logDirectory) {
        int port = freePort();
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(JVM_OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), IngestorApplication.class.getName(),
                "--crewstream.kafka.bootstrap-servers=" + bootstrapServers,
                "--crewstream.kafka.topic-prefix=" + topicPrefix,
                "--crewstream.kafka.partitions=2",
                "--crewstream.ingestor.kafka.raw-frames-partitions=1",
                "--crewstream.ingestor.instance-id=" + instanceId,
                "--crewstream.ingestor.ownership.session-timeout=" + sessionTimeout.toMillis() + "ms",
                "--crewstream.ingestor.ownership.heartbeat-interval=" + heartbeatInterval.toMillis() + "ms",
                "--crewstream.ingestor.connection.backoff-initial=50ms",
                "--crewstream.ingestor.connection.backoff-max=400ms",
                "--crewstream.ingestor.connection.connect-timeout=2s",
                "--server.port=" + port,
                "--spring.main.banner-mode=off",
                "--logging.level.org.apache.kafka=WARN"));
        for (int i = 0; i < gateways.size(); i++) {
            Gateway gateway = gateways.get(i);
            String property = "--crewstream.ingestor.upstreams[" + i + "].";
            command.add(property + "id=" + gateway.id());
            command.add(property + "url=" + gateway.url());
            command.add(property + "token-env=" + gateway.tokenEnv());
        }
        try {
            Files.createDirectories(logDirectory);
            Path log = logDirectory.resolve(instanceId + ".log");
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            gateways.forEach(gateway -> builder.environment().put(gateway.tokenEnv(), gateway.token()));
            Process process = builder.start();
            // A test JVM that ends half way (a timeout, Ctrl-C) must not leave ingestors behind.
            Runtime.getRuntime().addShutdownHook(new Thread(process::destroyForcibly));
            return new IngestorProcess(instanceId, process, port, log);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not start " + instanceId, ex);
        }
    }

    public String instanceId() {
        return this.instanceId;
    }

    public long pid() {
        return this.process.pid();
    }

    public boolean isAlive() {
        return this.process.isAlive();
    }

    /** Where its output goes. */
    public Path log() {
        return this.log;
    }

    /**
     * What {@code /actuator/health/ownership} says, or empty while the instance does not answer (starting, frozen,
     * dead).
     */
    public Optional<Ownership> ownership() {
        return get("/actuator/health/ownership").map(Ownership::of);
    }

    /** What {@code /actuator/health} says (all components), or empty while the instance does not answer. */
    public Optional<JsonNode> health() {
        return get("/actuator/health");
    }

    /**
     * The sum of a meter's {@code COUNT} or {@code VALUE} measurements from {@code /actuator/metrics/<name>}, each
     * {@code tags} entry a {@code name:value} filter; 0 when the meter does not exist (yet): a counter is registered
     * on first use.
     */
    public double metric(String name, String... tags) {
        StringBuilder path = new StringBuilder("/actuator/metrics/").append(name);
        for (int i = 0; i < tags.length; i++) {
            path.append(i == 0 ? '?' : '&').append("tag=").append(tags[i]);
        }
        return get(path.toString()).map(json -> {
            double sum = 0;
            for (JsonNode measurement : json.path("measurements")) {
                String statistic = measurement.path("statistic").asString("");
                if (statistic.equals("COUNT") || statistic.equals("VALUE")) {
                    sum += measurement.path("value").asDouble();
                }
            }
            return sum;
        }).orElse(0.0);
    }

    /** {@code kill -9}: no shutdown hook, nothing flushed, no leave-group: the group learns of it by the timeout. */
    public void kill() {
        try {
            this.process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** {@code kill -STOP}: every thread stops where it is, sockets stay open, as in a long pause. */
    public void freeze() {
        signal("STOP");
    }

    /** {@code kill -CONT}: the frozen threads carry on as if nothing had happened. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid())).inheritIO().start();
            if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + pid() + " failed");
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Ends the instance as an operator would (SIGTERM; SIGKILL when it has not ended in 20 s), resuming it first. */
    @Override
    public void close() {
        if (!this.process.isAlive()) {
            return;
        }
        // A frozen JVM cannot act on SIGTERM; a no-op for a running one.
        resume();
        this.process.destroy();
        try {
            if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
                this.process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return this.instanceId + " (pid " + pid() + ", port " + this.port + ", log " + this.log + ")";
    }

    private Optional<JsonNode> get(String path) {
        if (!this.process.isAlive()) {
            return Optional.empty();
        }
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + this.port + path)).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            // The health endpoint answers 503 with its body when DOWN; a 404 is a missing meter.
            if (response.statusCode() == 404) {
                return Optional.empty();
            }
            return Optional.of(JsonMapper.shared().readTree(response.body()));
        }
        catch (IOException ex) {
            return Optional.empty();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * An instance's own account of which gateways it owns ({@code /actuator/health/ownership}).
     *
     * @param instanceId the instance id it reports
     * @param owned the connection ids of the gateways it owns
     * @param json the whole answer, for failure messages
     */
    public record Ownership(String instanceId, Set<String> owned, JsonNode json) {

        static Ownership of(JsonNode json) {
            JsonNode details = json.path("details");
            Set<String> owned = new LinkedHashSet<>();
            details.path("owned").forEach(id -> owned.add(id.asString()));
            return new Ownership(details.path("instanceId").asString(null), Set.copyOf(owned), json);
        }
    }
}

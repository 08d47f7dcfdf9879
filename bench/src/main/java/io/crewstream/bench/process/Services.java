package io.crewstream.bench.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts the crewstream services as the JVMs they are in production, from what {@code ./mvnw package} left in each
 * module's {@code target/}: the SSE gateway from its classes on this module's classpath (its jar is not a fat jar;
 * this module carries its runtime dependencies), the ingestor and the projector from their Spring Boot jars.
 */
public final class Services {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).build();

    private final Path repository;

    private final Path logDir;

    public Services(Path repository, Path logDir) {
        this.repository = repository;
        this.logDir = logDir;
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** An SSE gateway reading the tables under {@code topicPrefix}, on {@code port}. */
    public JavaProcess gateway(String name, int port, String bootstrapServers, String topicPrefix, String heap,
            String... extraProperties) {
        return gateway(name, port, bootstrapServers, topicPrefix, List.of("-Xmx" + heap, "-Xms" + heap),
                extraProperties);
    }

    /** As above, with the gateway JVM's options given in full (heap, a flight recording...). */
    public JavaProcess gateway(String name, int port, String bootstrapServers, String topicPrefix,
            List<String> jvmOptions, String... extraProperties) {
        Path classes = this.repository.resolve("sse-gateway/target/classes");
        require(classes.resolve("io/crewstream/ssegateway/SseGatewayApplication.class"), "sse-gateway");
        List<String> launch = new ArrayList<>(List.of("-cp", classes + ":" + JavaProcess.ownClasspath(),
                "io.crewstream.ssegateway.SseGatewayApplication",
                "--server.port=" + port,
                "--crewstream.kafka.bootstrap-servers=" + bootstrapServers,
                "--crewstream.kafka.topic-prefix=" + topicPrefix,
                // The load clients' thousands of connections all come from the loopback address.
                "--crewstream.sse.max-connections-per-address=0",
                "--spring.main.banner-mode=off"));
        launch.addAll(List.of(extraProperties));
        return JavaProcess.start(name, this.logDir, jvmOptions, launch, Map.of());
    }

    /** The ingestor's Spring Boot jar, connected to one upstream gateway. */
    public JavaProcess ingestor(int port, String bootstrapServers, String topicPrefix, String connectionId,
            URI upstream, String token) {
        return ingestor("ingestor", port, bootstrapServers, topicPrefix, connectionId, upstream, token);
    }

    /** As above, its log named {@code name}. */
    public JavaProcess ingestor(String name, int port, String bootstrapServers, String topicPrefix,
            String connectionId, URI upstream, String token) {
        return ingestor(name, List.of(), port, bootstrapServers, topicPrefix, connectionId, upstream, token);
    }

    /**
     * As above, with more JVM options (a flight recording...) after the heap; {@code extraProperties}
     * ({@code --name=value}) override its settings.
     */
    public JavaProcess ingestor(String name, List<String> jvmExtras, int port, String bootstrapServers,
            String topicPrefix, String connectionId, URI upstream, String token, String... extraProperties) {
        List<String> properties = new ArrayList<>(List.of(
                "--crewstream.ingestor.upstreams[0].id=" + connectionId,
                "--crewstream.ingestor.upstreams[0].url=" + upstream));
        properties.addAll(List.of(extraProperties));
        return ingestor(name, jvmExtras, port, bootstrapServers, topicPrefix, Map.of("OPENCLAW_GATEWAY_TOKEN", token),
                properties);
    }

    /**
     * The ingestor's Spring Boot jar with its upstreams and any other settings in {@code properties}
     * ({@code --name=value}; Spring joins a property given twice with a comma) and {@code environment} (the tokens).
     */
    public JavaProcess ingestor(String name, List<String> jvmExtras, int port, String bootstrapServers,
            String topicPrefix, Map<String, String> environment, List<String> properties) {
        Path jar = stable(this.repository.resolve("ingestor/target/crewstream-ingestor-0.1.0-SNAPSHOT-exec.jar"),
                "ingestor");
        List<String> launch = new ArrayList<>(List.of("-jar", jar.toString(),
                "--server.port=" + port,
                "--crewstream.kafka.bootstrap-servers=" + bootstrapServers,
                "--crewstream.kafka.topic-prefix=" + topicPrefix,
                "--spring.main.banner-mode=off"));
        launch.addAll(properties);
        return JavaProcess.start(name, this.logDir, withHeap("256m", jvmExtras), launch, environment);
    }

    /** The projector's Spring Boot jar; {@code extraProperties} ({@code --name=value}) override its settings. */
    public JavaProcess projector(int port, String bootstrapServers, String topicPrefix, String... extraProperties) {
        return projector("projector", port, bootstrapServers, topicPrefix, extraProperties);
    }

    /** As above, its log named {@code name}. */
    public JavaProcess projector(String name, int port, String bootstrapServers, String topicPrefix,
            String... extraProperties) {
        return projector(name, List.of(), port, bootstrapServers, topicPrefix, extraProperties);
    }

    /** As above, with more JVM options (a flight recording...) after the heap. */
    public JavaProcess projector(String name, List<String> jvmExtras, int port, String bootstrapServers,
            String topicPrefix, String... extraProperties) {
        Path jar = stable(this.repository.resolve("projector/target/crewstream-projector-0.1.0-SNAPSHOT-exec.jar"),
                "projector");
        List<String> launch = new ArrayList<>(List.of("-jar", jar.toString(),
                "--server.port=" + port,
                "--crewstream.kafka.bootstrap-servers=" + bootstrapServers,
                "--crewstream.kafka.topic-prefix=" + topicPrefix,
                "--crewstream.projector.application-id=" + topicPrefix + "projector",
                "--spring.main.banner-mode=off"));
        launch.addAll(List.of(extraProperties));
        return JavaProcess.start(name, this.logDir, withHeap("256m", jvmExtras), launch, Map.of());
    }

    /**
     * The {@code local} module's Kafka broker ({@code KafkaBrokerMain}) in a JVM of its own, from
     * {@code local/target/classes} on this module's classpath (which carries Kafka's server jars), on
     * {@code dataDirectory}, listening on {@code port} and telling clients to connect to {@code advertisedPort};
     * returns once it answers clients. Started again on the same directory after a {@code kill -9}, it recovers its
     * logs as any broker does.
     */
    public JavaProcess kafkaBroker(String name, Path dataDirectory, int port, int controllerPort, int advertisedPort) {
        Path classes = this.repository.resolve("local/target/classes");
        require(classes.resolve("io/crewstream/local/kafka/KafkaBrokerMain.class"), "local");
        JavaProcess broker = JavaProcess.start(name, this.logDir, List.of("-Xmx512m"), List.of("-cp",
                classes + ":" + JavaProcess.ownClasspath(), "io.crewstream.local.kafka.KafkaBrokerMain",
                dataDirectory.toString(), Integer.toString(port), Integer.toString(controllerPort),
                Integer.toString(advertisedPort)), Map.of());
        // KafkaBrokerMain.READY (the bench does not depend on the local module).
        broker.awaitLine(line -> line.startsWith("crewstream kafka broker ready"), Duration.ofMinutes(2));
        return broker;
    }

    private static List<String> withHeap(String heap, List<String> jvmExtras) {
        List<String> options = new ArrayList<>(List.of("-Xmx" + heap));
        options.addAll(jvmExtras);
        return options;
    }

    /** Waits until {@code GET url} answers 200. */
    public static Duration awaitOk(URI url, Duration timeout) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        while (System.nanoTime() - deadline < 0) {
            try {
                HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(5))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return Duration.ofNanos(System.nanoTime() - start);
                }
            }
            catch (IOException ex) {
                // Not listening yet.
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
            sleep(100);
        }
        throw new IllegalStateException(url + " did not answer 200 within " + timeout);
    }

    public static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /**
     * A private copy of a service jar: a rebuild of the module while a scenario runs would otherwise replace the jar
     * under the running JVM (it loads classes lazily from it). Written aside and moved into place in one step: a
     * JVM started a moment before (several instances of a service, started one after the other) keeps reading the
     * copy it opened instead of one being rewritten under it.
     */
    private Path stable(Path jar, String module) {
        require(jar, module);
        try {
            Path copy = this.logDir.resolve("jars").resolve(jar.getFileName());
            Files.createDirectories(copy.getParent());
            Path partial = Files.createTempFile(copy.getParent(), jar.getFileName().toString(), ".partial");
            Files.copy(jar, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, copy, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return copy;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static void require(Path path, String module) {
        if (!Files.exists(path)) {
            throw new IllegalStateException(path + " is missing: build the " + module
                    + " module first (./mvnw -B -q package -DskipTests, see BENCHMARKS.md)");
        }
    }
}

package io.crewstream.local.kafka;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft Kafka (combined broker and controller) running in this JVM from Kafka's own server classes,
 * with its data in a directory that outlives the process: stop it, start it again on the same directory, and every
 * topic, record, consumer offset and Kafka Streams changelog is still there, so a restart replays instead of
 * starting from nothing. The directory is formatted (cluster id, bootstrap metadata) on first use only.
 *
 * <p>Why not spring-kafka-test's {@code EmbeddedKafkaKraftBroker} (which the tests use through test-support): it
 * formats fresh temporary directories on every start and deletes them on stop, so nothing would survive a restart.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are called by one thread (the launcher's); the broker runs on
 * Kafka's own threads.
 */
public final class EmbeddedKafkaBroker {

    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final int NODE_ID = 1;
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

    private final Path dataDirectory;
    private final int port;
    private final int controllerPort;
    private final int advertisedPort;

    private KafkaRaftServer server;

    /**
     * @param dataDirectory where the log segments and the metadata log live; created when missing
     * @param port the client port, on localhost
     * @param controllerPort the KRaft controller port, on localhost
     */
    public EmbeddedKafkaBroker(Path dataDirectory, int port, int controllerPort) {
        this(dataDirectory, port, controllerPort, port);
    }

    /**
     * As above, telling clients to reach the broker on {@code advertisedPort} instead (on localhost): a chaos run puts
     * a TCP fault proxy there, so that every client connection, not only the bootstrap one, goes through it.
     */
    public EmbeddedKafkaBroker(Path dataDirectory, int port, int controllerPort, int advertisedPort) {
        this.dataDirectory = dataDirectory.toAbsolutePath();
        this.port = port;
        this.controllerPort = controllerPort;
        this.advertisedPort = advertisedPort;
    }

    /** Formats the data directory if it is new, starts the broker and waits until it answers clients. */
    public void start() {
        if (this.server != null) {
            return;
        }
        KafkaConfig config = new KafkaConfig(brokerProperties(), false);
        formatIfNew(config);
        KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
        server.startup();
        this.server = server;
        awaitClients();
    }

    /** Shuts the broker down cleanly (flushes the logs, so the next start needs no recovery). */
    public void stop() {
        KafkaRaftServer server = this.server;
        if (server == null) {
            return;
        }
        this.server = null;
        server.shutdown();
        server.awaitShutdown();
    }

    public String bootstrapServers() {
        return "localhost:" + this.port;
    }

    public Path dataDirectory() {
        return this.dataDirectory;
    }

    /** True when the data directory has never been formatted, i.e. this start begins with an empty cluster. */
    public boolean isNew() {
        return !Files.exists(this.dataDirectory.resolve("meta.properties"));
    }

    private Properties brokerProperties() {
        Properties properties = new Properties();
        properties.putAll(Map.ofEntries(
                Map.entry("process.roles", "broker,controller"),
                Map.entry("node.id", Integer.toString(NODE_ID)),
                Map.entry("controller.quorum.voters", NODE_ID + "@localhost:" + this.controllerPort),
                Map.entry("listeners", BROKER_LISTENER + "://localhost:" + this.port + ","
                        + CONTROLLER_LISTENER + "://localhost:" + this.controllerPort),
                Map.entry("advertised.listeners", BROKER_LISTENER + "://localhost:" + this.advertisedPort),
                Map.entry("listener.security.protocol.map",
                        BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT"),
                Map.entry("controller.listener.names", CONTROLLER_LISTENER),
                Map.entry("inter.broker.listener.name", BROKER_LISTENER),
                Map.entry("log.dirs", this.dataDirectory.toString()),
                // One broker cannot hold three replicas of Kafka's internal topics.
                Map.entry("offsets.topic.replication.factor", "1"),
                Map.entry("transaction.state.log.replication.factor", "1"),
                Map.entry("transaction.state.log.min.isr", "1"),
                Map.entry("share.coordinator.state.topic.replication.factor", "1"),
                Map.entry("share.coordinator.state.topic.min.isr", "1"),
                // Only crewstream's own apps join groups here; don't make each new group wait 3 s for others.
                Map.entry("group.initial.rebalance.delay.ms", "0"),
                // The default 128 MB compaction buffer alone would be a fifth of the memory goal; the tables are small.
                Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024)),
                // A laptop process: a few threads serve a handful of local clients.
                Map.entry("num.network.threads", "2"),
                Map.entry("num.io.threads", "2"),
                Map.entry("num.recovery.threads.per.data.dir", "2")));
        return properties;
    }

    private void formatIfNew(KafkaConfig config) {
        if (!isNew()) {
            return;
        }
        try {
            Files.createDirectories(this.dataDirectory);
            Formatter formatter = new Formatter()
                    .setClusterId(Uuid.randomUuid().toString())
                    .setNodeId(NODE_ID)
                    .setControllerListenerName(CONTROLLER_LISTENER)
                    .setMetadataLogDirectory(config.metadataLogDir())
                    .setDirectories(List.of(this.dataDirectory.toString()))
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    // The formatter narrates each directory; the launcher reports progress itself.
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()));
            formatter.run();
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot create the Kafka data directory " + this.dataDirectory, ex);
        }
        catch (Exception ex) {
            throw new IllegalStateException("Cannot format the Kafka data directory " + this.dataDirectory + ": "
                    + ex.getMessage(), ex);
        }
    }

    private void awaitClients() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.describeCluster().nodes().get(READY_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("The embedded Kafka broker at " + bootstrapServers()
                    + " did not answer within " + READY_TIMEOUT.toSeconds() + " s", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the embedded Kafka broker", ex);
        }
    }
}

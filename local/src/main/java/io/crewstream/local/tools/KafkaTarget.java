package io.crewstream.local.tools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.function.Consumer;
import java.util.stream.Stream;

import io.crewstream.local.Directories;
import io.crewstream.local.kafka.EmbeddedKafkaBroker;

/**
 * Where the commands read: the cluster in {@code KAFKA_BOOTSTRAP_SERVERS}; else the local run's broker, when it
 * answers on its port; else, when the local pipeline is not running, the data it kept in {@code .crewstream/kafka},
 * opened by a broker of our own on a <b>copy</b> of it (a broker rewrites indexes and checkpoints as it opens a log:
 * the original is never touched, and nothing in it is lost). The copy is deleted on {@link #close()}.
 *
 * <p>Used by one thread; {@link #open} and {@link #close} bracket one command.
 */
final class KafkaTarget implements AutoCloseable {

    private final String bootstrapServers;

    private final EmbeddedKafkaBroker copyBroker;

    private final Path copy;

    private KafkaTarget(String bootstrapServers, EmbeddedKafkaBroker copyBroker, Path copy) {
        this.bootstrapServers = bootstrapServers;
        this.copyBroker = copyBroker;
        this.copy = copy;
    }

    /**
     * @param external {@code KAFKA_BOOTSTRAP_SERVERS}, or null
     * @param dataDirectory the local run's {@code .crewstream}
     * @param localPort the local run's broker port
     * @param note where a line for the user goes (standard error: standard output is the command's answer)
     * @throws ToolException when there is nothing to read
     */
    static KafkaTarget open(String external, Path dataDirectory, int localPort, Consumer<String> note) {
        if (external != null) {
            return new KafkaTarget(external, null, null);
        }
        if (answers(localPort)) {
            return new KafkaTarget("localhost:" + localPort, null, null);
        }
        Path kept = dataDirectory.resolve("kafka");
        if (!Files.exists(kept.resolve("meta.properties"))) {
            throw new ToolException("no Kafka to read: set KAFKA_BOOTSTRAP_SERVERS, start ./crewstream, or run "
                    + "where " + dataDirectory + " holds a local run's data");
        }
        note.accept("the pipeline is not running: reading the data kept in " + kept + " (from a copy; the kept "
                + "data is not touched)");
        Path copy;
        try {
            copy = Files.createTempDirectory("crewstream-replay-");
            copyTree(kept, copy);
            Files.deleteIfExists(copy.resolve(".lock"));
        }
        catch (IOException ex) {
            throw new ToolException("cannot copy " + kept + ": " + ex.getMessage());
        }
        int port = freePort();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(copy, port, freePort());
        try {
            broker.start();
        }
        catch (RuntimeException ex) {
            deleteTree(copy);
            throw new ToolException("cannot open the kept data in " + kept + ": " + ex.getMessage());
        }
        return new KafkaTarget(broker.bootstrapServers(), broker, copy);
    }

    String bootstrapServers() {
        return this.bootstrapServers;
    }

    private static boolean answers(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 500);
            return true;
        }
        catch (IOException ex) {
            return false;
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

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> paths = Files.walk(from)) {
            for (Path path : paths.toList()) {
                Path target = to.resolve(from.relativize(path).toString());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static void deleteTree(Path root) {
        try {
            Directories.deleteRecursively(root);
        }
        catch (UncheckedIOException ex) {
            // A temporary copy left behind costs disk space, not correctness.
        }
    }

    @Override
    public void close() {
        if (this.copyBroker != null) {
            this.copyBroker.stop();
            deleteTree(this.copy);
        }
    }
}

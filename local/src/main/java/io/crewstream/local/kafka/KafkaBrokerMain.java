package io.crewstream.local.kafka;

import java.nio.file.Path;

/**
 * The {@link EmbeddedKafkaBroker} as a process of its own, for the bench's chaos run (which kills it with
 * {@code kill -9} and starts it again on the same directory):
 * {@code KafkaBrokerMain <data directory> <port> <controller port> <advertised port>}. Prints {@value #READY} once
 * clients can connect, then runs until the process ends; SIGTERM stops the broker cleanly.
 */
public final class KafkaBrokerMain {

    /** The line printed once the broker answers clients. */
    public static final String READY = "crewstream kafka broker ready";

    private KafkaBrokerMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length != 4) {
            System.err.println("usage: KafkaBrokerMain <data directory> <port> <controller port> <advertised port>");
            System.exit(2);
        }
        EmbeddedKafkaBroker broker;
        try {
            broker = new EmbeddedKafkaBroker(Path.of(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]),
                    Integer.parseInt(args[3]));
        }
        catch (NumberFormatException ex) {
            System.err.println("KafkaBrokerMain: ports must be numbers: " + ex.getMessage());
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(broker::stop, "kafka-broker-stop"));
        broker.start();
        System.out.println(READY + " at " + broker.bootstrapServers());
        Thread.currentThread().join();
    }
}

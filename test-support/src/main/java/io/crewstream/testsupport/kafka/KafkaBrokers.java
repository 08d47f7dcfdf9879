package io.crewstream.testsupport.kafka;

import java.util.function.Function;
import java.util.function.Supplier;

import org.testcontainers.DockerClientFactory;

/** Chooses and starts a broker: {@code KAFKA_BOOTSTRAP_SERVERS}, else Testcontainers, else in-process KRaft. */
public final class KafkaBrokers {

    public static final String BOOTSTRAP_SERVERS_ENV = "KAFKA_BOOTSTRAP_SERVERS";

    private KafkaBrokers() {
    }

    /** Starts (or finds) a broker and prints which mode it used. */
    public static KafkaBroker start() {
        return start(System::getenv, KafkaBrokers::dockerReachable);
    }

    static KafkaBroker start(Function<String, String> environment, Supplier<Boolean> docker) {
        KafkaBroker broker;
        String external = environment.apply(BOOTSTRAP_SERVERS_ENV);
        if (external != null && !external.isBlank()) {
            broker = new ExternalKafkaBroker(external.trim());
        }
        else if (docker.get()) {
            broker = ContainerKafkaBroker.start();
        }
        else {
            broker = InProcessKafkaBroker.start();
        }
        // Printed, not logged: the build log must say which Kafka the integration tests really used.
        System.out.println("[crewstream-test-support] Kafka for integration tests: " + broker.mode() + " - "
                + broker.describe());
        return broker;
    }

    private static boolean dockerReachable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        }
        catch (RuntimeException | LinkageError ex) {
            return false;
        }
    }
}

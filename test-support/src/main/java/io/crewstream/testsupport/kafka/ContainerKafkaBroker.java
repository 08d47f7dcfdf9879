package io.crewstream.testsupport.kafka;

import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.kafka.KafkaContainer;

/** An {@code apache/kafka} KRaft container of the same version as the kafka-clients on the classpath. */
final class ContainerKafkaBroker implements KafkaBroker {

    private final KafkaContainer container;

    private ContainerKafkaBroker(KafkaContainer container) {
        this.container = container;
    }

    static ContainerKafkaBroker start() {
        KafkaContainer container = new KafkaContainer("apache/kafka:" + AppInfoParser.getVersion());
        container.start();
        return new ContainerKafkaBroker(container);
    }

    @Override
    public Mode mode() {
        return Mode.TESTCONTAINERS;
    }

    @Override
    public String bootstrapServers() {
        return this.container.getBootstrapServers();
    }

    @Override
    public String describe() {
        return "Testcontainers " + this.container.getDockerImageName() + " at " + bootstrapServers();
    }

    @Override
    public void close() {
        this.container.stop();
    }
}

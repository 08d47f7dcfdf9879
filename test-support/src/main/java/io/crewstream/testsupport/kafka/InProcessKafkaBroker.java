package io.crewstream.testsupport.kafka;

import java.util.Map;

import org.apache.kafka.common.utils.AppInfoParser;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * A single-node KRaft broker (combined controller and broker) running in this JVM, built from Kafka's own server
 * jars through spring-kafka-test's {@link EmbeddedKafkaKraftBroker}. A real broker on a real socket: the same
 * protocol, transactions and compaction as any other.
 */
final class InProcessKafkaBroker implements KafkaBroker {

    private final EmbeddedKafkaKraftBroker broker;

    private InProcessKafkaBroker(EmbeddedKafkaKraftBroker broker) {
        this.broker = broker;
    }

    static InProcessKafkaBroker start() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.brokerProperties(Map.of(
                // A single broker cannot hold three replicas of Kafka's internal topics.
                "offsets.topic.replication.factor", "1",
                "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1",
                // Tests create many small groups; don't make each new group wait 3 s for others to join.
                "group.initial.rebalance.delay.ms", "0",
                // Compaction runs often enough that a test can watch a compacted topic compact.
                "log.cleaner.backoff.ms", "1000"));
        broker.afterPropertiesSet();
        return new InProcessKafkaBroker(broker);
    }

    @Override
    public Mode mode() {
        return Mode.IN_PROCESS_KRAFT;
    }

    @Override
    public String bootstrapServers() {
        return this.broker.getBrokersAsString();
    }

    @Override
    public String describe() {
        return "in-process KRaft broker, Kafka " + AppInfoParser.getVersion() + ", at " + bootstrapServers()
                + " (no Docker engine reachable)";
    }

    @Override
    public void close() {
        this.broker.destroy();
    }
}

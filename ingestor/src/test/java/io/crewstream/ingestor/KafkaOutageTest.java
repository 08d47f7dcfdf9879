package io.crewstream.ingestor;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import io.crewstream.ingestor.publish.PublishHealth;
import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import kafka.server.BrokerServer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

import static io.crewstream.ingestor.UpstreamScenariosTest.fields;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka goes away while the gateway keeps changing, then comes back: the ingestor reports itself degraded, keeps its
 * gateway connected, and once sends succeed again publishes a fresh snapshot, so that the state in Kafka ends equal
 * to the gateway's. Needs a broker of its own (the shared test broker must not be stopped): an in-process KRaft
 * broker on a fixed port whose broker side is shut down and started again with its data.
 */
class KafkaOutageTest {

    private static final String TOKEN = "outage-token";

    @TempDir
    Path folder;

    private EmbeddedKafkaKraftBroker kafka;
    private OpenClawSimulator gateway;
    private IngestorRun ingestor;

    @AfterEach
    void tearDown() {
        if (this.ingestor != null) {
            this.ingestor.close();
        }
        if (this.gateway != null) {
            this.gateway.close();
        }
        if (this.kafka != null) {
            this.kafka.destroy();
        }
    }

    @Test
    void changesMadeWhileKafkaIsDownReachKafkaThroughARecoverySnapshot() throws IOException {
        this.kafka = new EmbeddedKafkaKraftBroker(1, 1).kafkaPorts(UpstreamScenariosTest.freePort());
        this.kafka.brokerProperties(Map.of("offsets.topic.replication.factor", "1",
                "transaction.state.log.replication.factor", "1", "transaction.state.log.min.isr", "1"));
        this.kafka.afterPropertiesSet();
        KafkaBroker broker = new DedicatedBroker(this.kafka.getBrokersAsString());
        String prefix = broker.uniquePrefix("outage");
        KafkaOutput output = new KafkaOutput(broker, new TopicNamespace(prefix));
        this.gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN).withTickInterval(Duration.ofMillis(500)));
        this.gateway.start();
        this.gateway.sessions().create("agent:main:before", fields("label", "before"));
        this.ingestor = IngestorRun.builder(broker.bootstrapServers(), prefix)
                .upstream("gw", this.gateway.url(), TOKEN, this.folder)
                .property("crewstream.ingestor.kafka.delivery-timeout", "3s")
                .start();
        await().until(() -> output.states().contains(UpstreamState.CONNECTED));
        PublishHealth publishing = this.ingestor.bean(PublishHealth.class);

        brokers().forEach(BrokerServer::shutdown);
        this.gateway.sessions().create("agent:main:during", fields("label", "during"));
        this.gateway.sessions().patch("agent:main:before", fields("label", "patched while Kafka was down"), null);
        await().until(publishing::degraded);
        this.gateway.sessions().delete("agent:main:during");
        this.gateway.sessions().create("agent:main:also-during", fields("label", "also during"));
        brokers().forEach(BrokerServer::startup);

        await().until(() -> !publishing.degraded());
        await().untilAsserted(() -> {
            assertThat(output.completeSnapshots(reason -> reason.equals("publish-recovered"))).isNotEmpty();
            Map<String, SessionRow> inKafka = output.foldedSessions();
            assertThat(inKafka.keySet()).isEqualTo(Set.copyOf(this.gateway.sessions().keys()));
            assertThat(inKafka.get("agent:main:before").label()).isEqualTo("patched while Kafka was down");
        });
        assertThat(output.states()).endsWith(UpstreamState.CONNECTED);
    }

    private java.util.Collection<BrokerServer> brokers() {
        return this.kafka.getCluster().brokers().values();
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300));
    }

    /** The dedicated broker, seen through test-support's interface so that its readers work on it. */
    private record DedicatedBroker(String bootstrapServers) implements KafkaBroker {

        @Override
        public Mode mode() {
            return Mode.IN_PROCESS_KRAFT;
        }

        @Override
        public String describe() {
            return "dedicated in-process KRaft broker at " + this.bootstrapServers;
        }

        @Override
        public void close() {
            // Destroyed by the test.
        }
    }
}

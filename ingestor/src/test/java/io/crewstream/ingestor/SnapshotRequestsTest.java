package io.crewstream.ingestor;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.ingestor.requests.SnapshotRequestListener;
import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.SnapshotRequest;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real ingestor (the production application) reads snapshot requests from its topic and answers one for a
 * connection it owns with a full {@code table-mismatch} snapshot of that gateway (openclaw-sim); a record that is not a
 * request, or a request for another ingestor's connection, changes nothing and stops nothing.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SnapshotRequestsTest {

    private static final String TOKEN = "requests-token";
    private static final String CONNECTION = "gw-requests";

    @TempDir
    Path folder;

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
    }

    @Test
    void aRequestForAnOwnedConnectionIsAnsweredWithATableMismatchSnapshotAfterMalformedAndForeignOnes(
            KafkaBroker broker) throws Exception {
        String prefix = broker.uniquePrefix("snapshot-requests");
        KafkaOutput kafka = new KafkaOutput(broker, new TopicNamespace(prefix));
        this.gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        this.gateway.sessions().create("agent:main:one", UpstreamScenariosTest.fields("label", "one"));
        this.gateway.start();
        this.ingestor = IngestorRun.builder(broker.bootstrapServers(), prefix)
                .upstream(CONNECTION, this.gateway.url(), TOKEN, this.folder).start();
        SnapshotRequestListener listener = this.ingestor.bean(SnapshotRequestListener.class);
        await().until(() -> listener.listening() && kafka.states().contains(UpstreamState.CONNECTED));
        String topic = new TopicNamespace(prefix).name(Topic.SNAPSHOT_REQUESTS);

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, CONNECTION, "not json".getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.send(new ProducerRecord<>(topic, "someone-else", request("someone-else"))).get();
            producer.send(new ProducerRecord<>(topic, "someone-else", request(CONNECTION))).get();
            producer.send(new ProducerRecord<>(topic, CONNECTION, request(CONNECTION))).get();
        }

        await().until(() -> !kafka.completeSnapshots(SnapshotReason.TABLE_MISMATCH.wireName()::equals).isEmpty());
        assertThat(kafka.completeSnapshots(SnapshotReason.TABLE_MISMATCH.wireName()::equals))
                .as("one snapshot for the one valid request of an owned connection").hasSize(1)
                .first().satisfies(chunks -> assertThat(chunks.get(0).sessions()).extracting(row -> row.key())
                        .containsExactly("agent:main:one"));
        MeterRegistry registry = this.ingestor.bean(MeterRegistry.class);
        // The records went to two partitions: the ones keyed "someone-else" may be read after the valid one.
        await().untilAsserted(() -> {
            assertThat(count(registry, "accepted")).isEqualTo(1);
            assertThat(count(registry, "not-owned")).isEqualTo(1);
            assertThat(count(registry, "malformed")).as("not JSON, and a key that is not its connection")
                    .isEqualTo(2);
        });
    }

    private static byte[] request(String connectionId) {
        return ContractSerdes.snapshotRequests().serialize(null, SnapshotRequest.of(connectionId,
                SnapshotReason.TABLE_MISMATCH, SnapshotRequest.PROJECTOR, "table has 0 sessions; listed 1",
                System.currentTimeMillis()));
    }

    private static long count(MeterRegistry registry, String outcome) {
        return Math.round(registry.get(SnapshotRequestListener.METRIC).tag("outcome", outcome).counter().count());
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250));
    }
}

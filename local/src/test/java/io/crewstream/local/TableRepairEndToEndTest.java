package io.crewstream.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.local.kafka.TopicSetup;
import io.crewstream.local.pipeline.PipelineApps;
import io.crewstream.local.pipeline.PipelineConfig;
import io.crewstream.local.support.RunningParts;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.SnapshotRequest;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.crewstream.testsupport.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The verification loop end to end, on the real ingestor and projector, openclaw-sim as the gateway and a real broker:
 * a table that drifted from the gateway (here a removal the gateway never made, written into session-events by the
 * test, then a real change on the gateway so that the ingestor's next marker holds after it) is found out at the next
 * reconciliation, whose marker disagrees with it, and repaired by the full
 * {@code table-mismatch} snapshot the projector asks for; the reconciliation after that agrees.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TableRepairEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final String TOKEN = "table-repair-token";
    private static final String KEPT = "agent:main:kept";
    private static final String TAMPERED = "agent:main:tampered";

    @TempDir
    Path state;

    private final RunningParts running = new RunningParts();

    @AfterEach
    void stopEverything() throws Exception {
        this.running.close();
    }

    @Test
    void aTableThatDriftedFromTheGatewayIsFoundOutAtTheNextReconciliationAndRepairedByATableMismatchSnapshot(
            KafkaBroker broker) throws Exception {
        OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        gateway.sessions().create(KEPT, JsonNodeFactory.instance.objectNode().put("label", "Kept"));
        gateway.sessions().create(TAMPERED, JsonNodeFactory.instance.objectNode().put("label", "Still here"));
        gateway.start();
        this.running.add(gateway);
        PipelineConfig config = TestPipelines.withSettings(TestPipelines.config(broker, "table-repair", this.state,
                gateway.url(), TOKEN), Map.of("crewstream.ingestor.connection.reconciliation-interval", "3s"));
        new TopicSetup(config.bootstrapServers(), config.namespace(), config.partitions(),
                TopicReplication.SINGLE).createMissing();
        this.running.start(PipelineApps.projector(config));
        this.running.start(PipelineApps.ingestor(config));
        String connection = config.upstream().id();
        await().atMost(PATIENCE).until(() -> table(broker, config).keySet().containsAll(List.of(KEPT, TAMPERED)));

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.namespace().name(Topic.SESSION_EVENTS), connection,
                    ContractSerdes.sessionEvents().serialize(null, SessionRemoved.of(connection, TAMPERED, "delete",
                            null, System.currentTimeMillis())))).get();
        }
        // A marker holds at the offset of the ingestor's own last record: the projector can only check it at a record
        // the ingestor wrote after the tampering one (before that, its table has "moved on" past the marker). A real
        // change on the gateway gives it one.
        gateway.sessions().patch(KEPT, JsonNodeFactory.instance.objectNode().put("label", "Kept, renamed"), null);

        await().atMost(PATIENCE).untilAsserted(() -> assertThat(read(broker, config, Topic.SNAPSHOT_REQUESTS,
                ContractSerdes.snapshotRequests())).isNotEmpty());
        SnapshotRequest request = read(broker, config, Topic.SNAPSHOT_REQUESTS, ContractSerdes.snapshotRequests())
                .get(0).value();
        assertThat(request.connectionId()).isEqualTo(connection);
        assertThat(request.reason()).isEqualTo(SnapshotReason.TABLE_MISMATCH.wireName());
        assertThat(request.requestedBy()).isEqualTo(SnapshotRequest.PROJECTOR);
        assertThat(request.detail()).contains("table has 1 sessions", "listed 2");
        await().atMost(PATIENCE).until(() -> read(broker, config, Topic.SESSION_EVENTS,
                ContractSerdes.sessionEvents()).stream().map(ConsumerRecord::value)
                .anyMatch(TableRepairEndToEndTest::isTableMismatchSnapshot));
        await().atMost(PATIENCE).until(() -> table(broker, config).containsKey(TAMPERED));
        // Once repaired, a reconciliation agrees with the table again.
        long repairedAt = System.currentTimeMillis();
        await().atMost(PATIENCE).until(() -> read(broker, config, Topic.CONNECTION_STATE,
                ContractSerdes.connectionState()).stream().map(ConsumerRecord::value)
                .map(ConnectionState::lastVerifiedAt)
                .anyMatch(verifiedAt -> verifiedAt != null && verifiedAt > repairedAt));
    }

    private static boolean isTableMismatchSnapshot(SessionEvent event) {
        return event instanceof SnapshotChunk chunk && chunk.reason().equals(SnapshotReason.TABLE_MISMATCH.wireName());
    }

    /** The session-state topic folded into the current table of session keys. */
    private static Map<String, SessionState> table(KafkaBroker broker, PipelineConfig config) {
        Map<String, SessionState> table = new HashMap<>();
        for (ConsumerRecord<String, SessionState> record : read(broker, config, Topic.SESSION_STATE,
                ContractSerdes.sessionState())) {
            String key = SessionStateKey.parse(record.key()).sessionKey();
            if (record.value() == null) {
                table.remove(key);
            }
            else {
                table.put(key, record.value());
            }
        }
        return table;
    }

    private static <V> List<ConsumerRecord<String, V>> read(KafkaBroker broker, PipelineConfig config, Topic topic,
            org.apache.kafka.common.serialization.Deserializer<V> values) {
        return TopicReader.readAll(broker, config.namespace().name(topic), new StringDeserializer(), values,
                PATIENCE);
    }
}

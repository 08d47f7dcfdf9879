package io.crewstream.local.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.crewstream.local.kafka.EmbeddedKafkaBroker;
import io.crewstream.local.kafka.TopicSetup;
import io.crewstream.local.support.FreePorts;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * After the local pipeline has stopped, the commands read what it kept in {@code .crewstream/kafka} by themselves,
 * from a copy: the kept data is exactly as it was afterwards.
 */
class KeptDataTest {

    @TempDir
    Path data;

    @Test
    void theCommandsReadTheKeptDataWhenThePipelineIsNotRunningAndLeaveItUntouched() throws Exception {
        Path kafka = this.data.resolve("kafka");
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(kafka, FreePorts.next(), FreePorts.next());
        broker.start();
        try {
            new TopicSetup(broker.bootstrapServers(), TopicNamespace.DEFAULT, 1,
                    TopicReplication.SINGLE).createMissing();
            write(broker.bootstrapServers());
        }
        finally {
            broker.stop();
        }
        Map<String, String> before = listing(kafka);

        // Nothing listens on the local run's port: the pipeline is not running.
        ToolsProbe.Result result = ToolsProbe.run(Map.of(), this.data, "state-at", "now", "--connection", "laptop",
                "--kafka-port", Integer.toString(FreePorts.next()));

        assertThat(result.exitCode()).as(result.err()).isZero();
        assertThat(result.err()).contains("the pipeline is not running: reading the data kept in " + kafka);
        assertThat(result.out()).contains("gateway laptop").contains("agent:main:kept");
        assertThat(listing(kafka)).as("the kept data, file by file").isEqualTo(before);
    }

    @Test
    void withNoKafkaAndNoKeptDataTheCommandSaysWhereItLooked() {
        ToolsProbe.Result result = ToolsProbe.run(Map.of(), this.data, "state-at", "now", "--kafka-port",
                Integer.toString(FreePorts.next()));
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.err()).startsWith("crewstream state-at: no Kafka to read: set KAFKA_BOOTSTRAP_SERVERS");
    }

    private static void write(String bootstrapServers) throws Exception {
        ObjectNode fields = ContractJson.mapper().createObjectNode().put("key", "agent:main:kept").put("label", "Kept");
        SnapshotChunk snapshot = SnapshotChunk.of("laptop", "s1", "initial", 0, 1, 1, 1, List.of(SessionRow.of(fields)));
        ConnectionState state = ConnectionState.of("laptop", UpstreamState.CONNECTED, null, null, 1, "2026.9.6", null,
                1L, 1, "ws://127.0.0.1:18789", 1);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(TopicNamespace.DEFAULT.name(Topic.SESSION_EVENTS), "laptop",
                    ContractSerdes.sessionEvents().serialize(null, snapshot))).get();
            producer.send(new ProducerRecord<>(TopicNamespace.DEFAULT.name(Topic.CONNECTION_STATE), "laptop",
                    ContractSerdes.connectionState().serialize(null, state))).get();
        }
    }

    /** Every file under {@code root} with its size and modification time. */
    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(root.relativize(path).toString(), Files.size(path) + " " + Files.getLastModifiedTime(path));
            }
        }
        return files;
    }
}

package io.crewstream.local.kafka;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crewstream.local.support.FreePorts;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The local run's own broker: its data outlives a restart, so a restarted pipeline replays instead of forgetting. */
class EmbeddedKafkaBrokerTest {

    @TempDir
    Path data;

    @Test
    void topicsAndRecordsWrittenBeforeARestartAreThereAfterIt() throws Exception {
        int port = FreePorts.next();
        int controllerPort = FreePorts.next();
        String topic = TopicNamespace.DEFAULT.name(Topic.SESSION_EVENTS);

        EmbeddedKafkaBroker first = new EmbeddedKafkaBroker(this.data, port, controllerPort);
        assertThat(first.isNew()).isTrue();
        first.start();
        try {
            assertThat(new TopicSetup(first.bootstrapServers(), TopicNamespace.DEFAULT, 1, (short) 1).createMissing())
                    .hasSize(Topic.values().length);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, first.bootstrapServers()), new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "laptop", "kept")).get();
            }
        }
        finally {
            first.stop();
        }

        EmbeddedKafkaBroker second = new EmbeddedKafkaBroker(this.data, port, controllerPort);
        assertThat(second.isNew()).isFalse();
        second.start();
        try {
            assertThat(new TopicSetup(second.bootstrapServers(), TopicNamespace.DEFAULT, 1, (short) 1).createMissing())
                    .as("every topic survived").isEmpty();
            assertThat(readAll(second.bootstrapServers(), topic)).containsExactly("laptop=kept");
        }
        finally {
            second.stop();
        }
    }

    private static List<String> readAll(String bootstrapServers, String topic) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> partition = List.of(new TopicPartition(topic, 0));
            consumer.assign(partition);
            consumer.seekToBeginning(partition);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.key() + "=" + record.value());
                }
            }
        }
        return values;
    }
}

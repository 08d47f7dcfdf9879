package io.crewstream.schemas;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.crewstream.testsupport.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every topic's value type goes through a real broker with the project's serdes: what comes back equals what went
 * in, and the bytes on the broker are valid against the topic's JSON Schema (what a non-Java consumer relies on).
 */
@ExtendWith(KafkaBrokerExtension.class)
class ContractOverRealKafkaTest {

    @ParameterizedTest
    @EnumSource(Topic.class)
    void everyRecordTypeSurvivesTheBrokerAndMatchesItsSchema(Topic topic, KafkaBroker broker) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("contract"));
        String topicName = namespace.name(topic);
        broker.createTopics(List.of(topic.newTopic(namespace, 2, (short) 1)));
        ContractSerde<Object> serde = serdeFor(topic);
        List<Object> sent = goldenRecords(topic, serde);

        try (KafkaProducer<String, Object> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), serde)) {
            for (Object record : sent) {
                producer.send(new ProducerRecord<>(topicName, "local", record));
            }
            producer.flush();
        }

        List<ConsumerRecord<String, byte[]>> stored = TopicReader.readAll(broker, topicName,
                new StringDeserializer(), new ByteArrayDeserializer(), Duration.ofSeconds(30));
        assertThat(stored).hasSameSizeAs(sent);
        List<Object> received = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : stored) {
            assertThat(ContractSchemas.validate(topic.value(), record.value()))
                    .as("bytes on %s validate against %s", topicName, topic.value().schemaResource())
                    .isEmpty();
            received.add(serde.deserialize(topicName, record.value()));
        }
        assertThat(received).containsExactlyElementsOf(sent);
    }

    @SuppressWarnings("unchecked")
    private static ContractSerde<Object> serdeFor(Topic topic) {
        return (ContractSerde<Object>) ContractSerdes.of(topic.value().javaType());
    }

    private static List<Object> goldenRecords(Topic topic, ContractSerde<Object> serde) {
        return topic.value().exampleResources().stream()
                .map(example -> serde.deserialize("golden", ContractSchemas.resource(example)))
                .toList();
    }
}

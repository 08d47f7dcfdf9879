package io.crewstream.testsupport.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

@ExtendWith(KafkaBrokerExtension.class)
class SharedKafkaBrokerTest {

    @Test
    void everyTestGetsTheSameBroker(KafkaBroker first, KafkaBroker second) {
        assertThat(first).isSameAs(second);
    }

    @Test
    void brokerStoresAndServesRecords(KafkaBroker broker) throws Exception {
        String topic = broker.uniquePrefix("shared-broker") + "roundtrip";
        broker.createTopics(List.of(new NewTopic(topic, 1, (short) 1)));

        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get();
        }

        List<ConsumerRecord<String, String>> records = TopicReader.readAll(broker, topic, new StringDeserializer(),
                new StringDeserializer(), Duration.ofSeconds(30));
        assertThat(records).extracting(ConsumerRecord::key, ConsumerRecord::value)
                .containsExactly(tuple("k", "v"));
        assertThat(broker.topicNames()).contains(topic);
    }

    @Test
    void readingATopicThatDoesNotExistFailsInsteadOfLookingEmpty(KafkaBroker broker) {
        String missing = broker.uniquePrefix("shared-broker") + "never-created";

        assertThatThrownBy(() -> TopicReader.readAll(broker, missing, new StringDeserializer(),
                new StringDeserializer(), Duration.ofSeconds(2)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(missing + " does not exist");
    }
}

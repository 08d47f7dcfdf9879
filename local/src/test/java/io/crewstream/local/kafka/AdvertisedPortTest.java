package io.crewstream.local.kafka;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.crewstream.local.support.FreePorts;
import io.crewstream.testsupport.net.FaultProxy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker on one port, advertising another: what the bench's chaos run puts a fault proxy behind. */
class AdvertisedPortTest {

    @TempDir
    Path data;

    @Test
    void clientsAreToldToConnectToTheAdvertisedPortSoThatAProxyThereCarriesTheirTraffic() throws Exception {
        int port = FreePorts.next();
        try (FaultProxy proxy = new FaultProxy("kafka", new InetSocketAddress("localhost", port), 0).start()) {
            EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(this.data, port, FreePorts.next(), proxy.port());
            broker.start();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                assertThat(admin.describeCluster().nodes().get()).extracting(Node::port)
                        .containsExactly(proxy.port());

                admin.createTopics(List.of(new NewTopic("advertised", 1, (short) 1))).all().get();
                try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
                        new StringSerializer())) {
                    producer.send(new ProducerRecord<>("advertised", "via", "proxy")).get();
                    assertThat(proxy.connections()).as("the producer's connection to the leader").isPositive();
                }
            }
            finally {
                broker.stop();
            }
        }
    }
}

package io.crewstream.ingestor;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.crewstream.ingestor.config.IngestorConfigValidator;
import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.ownership.GatewayOwnership;
import io.crewstream.ingestor.publish.InputTopics;
import io.crewstream.ingestor.publish.KafkaUpstreamOutput;
import io.crewstream.ingestor.publish.PublishHealth;
import io.crewstream.ingestor.publish.RecordSender;
import io.crewstream.ingestor.publish.SnapshotChunker;
import io.crewstream.ingestor.requests.SnapshotRequestListener;
import io.crewstream.ingestor.support.ManualProducer;
import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.KafkaException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lifecycle on its own, with the real topic set-up (a real broker) and producers whose commits the test fails by
 * hand, so that Kafka failing and recovering happens exactly when the test says.
 */
@ExtendWith(KafkaBrokerExtension.class)
class IngestorLifecycleTest {

    private static final String CONNECTION = "gw-1";

    /** A producer per opening of the gateway's writer (the restart opens it anew); the last one writes. */
    private final List<ManualProducer> producers = new CopyOnWriteArrayList<>();
    private final PublishHealth health = new PublishHealth(Clock.systemUTC());
    private RecordSender sender;
    private IngestorLifecycle lifecycle;
    private TopicNamespace namespace;

    @AfterEach
    void tearDown() {
        if (this.lifecycle != null) {
            this.lifecycle.stop();
        }
        if (this.sender != null) {
            this.sender.close();
        }
    }

    @Test
    void aRestartedIngestorRestatesEachConnectionOnceWhenKafkaRecovers(KafkaBroker broker) throws IOException {
        String prefix = broker.uniquePrefix("lifecycle");
        this.namespace = new TopicNamespace(prefix);
        IngestorProperties.Kafka kafka = new IngestorProperties.Kafka(1, true, Duration.ofSeconds(30), 262_144,
                900_000, 100_000);
        KafkaSettings shared = new KafkaSettings(broker.bootstrapServers(), prefix, 1, (short) 1, null);
        IngestorProperties.Connection connection = new IngestorProperties.Connection(Duration.ofSeconds(60),
                Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(60), Duration.ofSeconds(10),
                Duration.ofSeconds(1), Duration.ofSeconds(30), 500, Duration.ofMinutes(10), Duration.ofSeconds(5));
        // Nothing listens there: the connection settles in "unreachable" and, with restatements minutes apart,
        // publishes nothing more during the test unless something restates it.
        IngestorProperties properties = new IngestorProperties(List.of(new IngestorProperties.Upstream(CONNECTION,
                "ws://127.0.0.1:" + freePort(), "TOKEN", null, true)), kafka, connection, false, null, IngestorProperties.Ownership.DEFAULTS);
        List<UpstreamTarget> targets = new IngestorConfigValidator(name -> "token").validate(properties);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        this.sender = new RecordSender(id -> {
            ManualProducer producer = new ManualProducer();
            this.producers.add(producer);
            return producer;
        }, this.namespace, this.health, 1000, "instance-a", registry, Clock.systemUTC());
        UpstreamSupervisors supervisors = new UpstreamSupervisors(targets, connection, false,
                HttpClient.newHttpClient(),
                new KafkaUpstreamOutput(this.sender, new SnapshotChunker(262_144, 900_000), 900_000,
                        "instance-a"), registry, "test",
                Clock.systemUTC());
        GatewayOwnership ownership = new GatewayOwnership(shared, IngestorProperties.Ownership.DEFAULTS, true,
                "lifecycle-test", supervisors, this.sender, registry, Clock.systemUTC());
        this.lifecycle = new IngestorLifecycle(this.sender, new InputTopics(shared, kafka), supervisors, ownership,
                this.health, new SnapshotRequestListener(broker.bootstrapServers(), this.namespace, supervisors,
                        registry, Clock.systemUTC()));

        this.lifecycle.start();
        // The gateway is connected once this instance owns it: only then does a stop report it stopped.
        await().until(() -> ownership.ownedHere(CONNECTION));
        this.lifecycle.stop();
        this.lifecycle.start();
        await().until(() -> {
            List<ConnectionStatusEvent> statuses = statuses();
            int stopped = statuses.stream().map(ConnectionStatusEvent::reasonCode).toList().indexOf("stopped");
            return stopped >= 0 && statuses.size() > stopped + 1
                    && statuses.get(statuses.size() - 1).state() == UpstreamState.UNREACHABLE;
        });
        sendAndFail();
        assertThat(this.health.degraded()).isTrue();
        int before = statuses().size();

        sendAndComplete();
        this.lifecycle.stop();
        this.lifecycle = null;

        await().until(() -> "stopped".equals(statuses().get(statuses().size() - 1).reasonCode()));
        List<ConnectionStatusEvent> afterRecovery = statuses().subList(before, statuses().size() - 1);
        assertThat(afterRecovery).as("statuses restated after one recovery").singleElement()
                .satisfies(status -> {
                    assertThat(status.state()).isEqualTo(UpstreamState.UNREACHABLE);
                    assertThat(status.kafkaOutage()).as("the outage it lived through, for replay").isNotNull();
                    assertThat(status.kafkaOutage().failedRecords()).isEqualTo(1);
                    assertThat(status.kafkaOutage().to()).isGreaterThanOrEqualTo(status.kafkaOutage().from());
                });
    }

    private void sendAndFail() {
        current().failNextCommit(new KafkaException("broker unreachable"));
        this.sender.send(Topic.RAW_FRAMES, CONNECTION, new byte[] { 1 }, probe(1));
        await().until(this.health::degraded);
    }

    /** Committing a record sent after the failure ends the degradation and tells the recovery listeners. */
    private void sendAndComplete() {
        this.sender.send(Topic.RAW_FRAMES, CONNECTION, new byte[] { 2 }, probe(2));
        await().until(() -> !this.health.degraded());
    }

    private ManualProducer current() {
        return this.producers.get(this.producers.size() - 1);
    }

    /** What the writers committed, in order: the producers are used one after the other. */
    private List<ConnectionStatusEvent> statuses() {
        String topic = this.namespace.name(Topic.CONNECTION_STATUS);
        return this.producers.stream().flatMap(producer -> producer.history().stream())
                .filter(record -> record.topic().equals(topic))
                .map(record -> ContractSerdes.connectionStatus().deserialize(topic, record.value())).toList();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static org.awaitility.core.ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(20));
    }

    private static CloudEvents probe(int n) {
        return new CloudEvents("probe-" + n, CloudEvents.source(CloudEvents.Component.INGESTOR, "probe"),
                CloudEventType.RAW_FRAME, java.time.Instant.EPOCH, null);
    }
}

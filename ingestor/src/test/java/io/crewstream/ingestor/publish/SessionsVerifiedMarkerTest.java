package io.crewstream.ingestor.publish;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.crewstream.testsupport.kafka.TopicReader;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link KafkaUpstreamOutput#sessionsVerified}: the marker written to session-verifications names the offset of the
 * connection's last session-events record handed over before the call, as the real broker assigned it. (That no
 * marker is written when that record failed is specified with a producer the test fails by hand, in
 * {@link KafkaUpstreamOutputTest}.)
 */
@ExtendWith(KafkaBrokerExtension.class)
class SessionsVerifiedMarkerTest {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final int MAX_RECORD_BYTES = 900_000;
    private static final String GW = "gw-a";
    private static final String OTHER = "gw-b";

    private RecordSender sender;

    @AfterEach
    void closeSender() {
        if (this.sender != null) {
            this.sender.close();
        }
    }

    @Test
    void eachMarkerNamesTheOffsetOfTheConnectionsLastChangeBeforeItWhileLaterChangesAreStillInFlight(
            KafkaBroker broker) {
        TopicNamespace namespace = topics(broker, 3);
        KafkaUpstreamOutput output = output(broker, namespace);

        for (int i = 0; i < 40; i++) {
            output.change(upsert(GW, "s-" + i));
            output.change(upsert(OTHER, "o-" + i));
        }
        output.sessionsVerified(GW, SnapshotReason.RECONCILIATION, 40, "0123456789abcdef", 40, 10L, 20L);
        // Handed over at once, before the broker acknowledged the records above: the next marker must not take them.
        for (int i = 40; i < 80; i++) {
            output.change(upsert(GW, "s-" + i));
        }
        output.sessionsVerified(GW, SnapshotReason.RELOAD_REQUESTED, 80, "fedcba9876543210", 40, 30L, 40L);
        output.sessionsVerified(OTHER, SnapshotReason.RECONCILIATION, 40, "00000000000000ff", 40, 50L, 60L);
        output.change(upsert(GW, "s-after"));

        Awaitility.await().atMost(PATIENCE).until(() -> markers(broker, namespace).size() == 3);
        Map<String, Long> offsets = offsetsBySessionKey(broker, namespace);
        List<ConsumerRecord<String, byte[]>> markers = markers(broker, namespace);
        List<SessionsVerified> values = markers.stream()
                .map(record -> ContractSerdes.sessionVerifications().deserialize(null, record.value())).toList();
        assertThat(values).filteredOn(marker -> marker.connectionId().equals(GW))
                .extracting(SessionsVerified::reason, SessionsVerified::sessionEventsOffset)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("reconciliation", offsets.get("s-39")),
                        org.assertj.core.groups.Tuple.tuple("reload-requested", offsets.get("s-79")));
        assertThat(values).filteredOn(marker -> marker.connectionId().equals(OTHER)).singleElement()
                .satisfies(marker -> {
                    assertThat(marker.sessionEventsOffset()).isEqualTo(offsets.get("o-39"));
                    assertThat(marker.sessionCount()).isEqualTo(40);
                    assertThat(marker.digest()).isEqualTo("00000000000000ff");
                    assertThat(marker.changesPublished()).isEqualTo(40);
                    assertThat(marker.listedFrom()).isEqualTo(50L);
                    assertThat(marker.observedAt()).isEqualTo(60L);
                });
        assertThat(markers).allSatisfy(record -> {
            SessionsVerified marker = ContractSerdes.sessionVerifications().deserialize(null, record.value());
            assertThat(record.key()).isEqualTo(marker.connectionId());
            assertThat(record.partition()).as("the same-numbered partition as its session events")
                    .isEqualTo(partitionOf(broker, namespace, marker.connectionId()));
            CloudEvents attributes = CloudEvents.readFrom(record.headers()).orElseThrow();
            assertThat(attributes.type()).isEqualTo(CloudEventType.SESSIONS_VERIFIED);
            assertThat(attributes.source()).isEqualTo(CloudEvents.source(CloudEvents.Component.INGESTOR,
                    marker.connectionId()));
        });
    }

    @Test
    void noMarkerIsWrittenForAConnectionWithoutSessionEventsFromThisIngestor(KafkaBroker broker) {
        TopicNamespace namespace = topics(broker, 1);
        KafkaUpstreamOutput output = output(broker, namespace);

        output.sessionsVerified(OTHER, SnapshotReason.RECONCILIATION, 0, SessionsDigest.of(List.of()).value(), 0,
                1L, 2L);
        output.change(upsert(GW, "s-1"));
        output.sessionsVerified(GW, SnapshotReason.RECONCILIATION, 1, "0123456789abcdef", 1, 1L, 2L);

        Awaitility.await().atMost(PATIENCE).until(() -> !markers(broker, namespace).isEmpty());
        assertThat(markers(broker, namespace)).extracting(ConsumerRecord::key).containsExactly(GW);
    }

    private TopicNamespace topics(KafkaBroker broker, int partitions) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix("verified"));
        broker.createTopics(List.of(Topic.SESSION_EVENTS.newTopic(namespace, partitions, TopicReplication.SINGLE),
                Topic.SESSION_VERIFICATIONS.newTopic(namespace, partitions, TopicReplication.SINGLE)));
        return namespace;
    }

    private KafkaUpstreamOutput output(KafkaBroker broker, TopicNamespace namespace) {
        IngestorProperties.Kafka kafka = new IngestorProperties.Kafka(1, false, Duration.ofSeconds(10), 262_144,
                MAX_RECORD_BYTES, 100_000);
        KafkaSettings shared = KafkaSettings.of(broker.bootstrapServers(), namespace.prefix());
        this.sender = new RecordSender(id -> new KafkaProducer<>(ProducerSettings.of(shared, kafka, id)), namespace,
                new PublishHealth(Clock.systemUTC()), 100_000, "instance-a", new SimpleMeterRegistry(),
                Clock.systemUTC());
        this.sender.start();
        this.sender.open(GW, Duration.ofSeconds(30));
        this.sender.open(OTHER, Duration.ofSeconds(30));
        return new KafkaUpstreamOutput(this.sender, new SnapshotChunker(262_144, MAX_RECORD_BYTES), MAX_RECORD_BYTES,
                "instance-a");
    }

    private static SessionUpserted upsert(String connectionId, String sessionKey) {
        ObjectNode fields = JsonMapper.shared().createObjectNode().put("key", sessionKey).put("updatedAt", 5L);
        return SessionUpserted.of(connectionId, "patch", null, 5L, SessionRow.of(fields));
    }

    private static List<ConsumerRecord<String, byte[]>> markers(KafkaBroker broker, TopicNamespace namespace) {
        return TopicReader.readAll(broker, namespace.name(Topic.SESSION_VERIFICATIONS), new StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer(), PATIENCE);
    }

    private static Map<String, Long> offsetsBySessionKey(KafkaBroker broker, TopicNamespace namespace) {
        Map<String, Long> offsets = new java.util.HashMap<>();
        for (ConsumerRecord<String, SessionEvent> record : sessionEvents(broker, namespace)) {
            offsets.put(((SessionUpserted) record.value()).sessionKey(), record.offset());
        }
        return offsets;
    }

    private static int partitionOf(KafkaBroker broker, TopicNamespace namespace, String connectionId) {
        return sessionEvents(broker, namespace).stream().filter(record -> record.key().equals(connectionId))
                .findFirst().orElseThrow().partition();
    }

    private static List<ConsumerRecord<String, SessionEvent>> sessionEvents(KafkaBroker broker,
            TopicNamespace namespace) {
        return TopicReader.readAll(broker, namespace.name(Topic.SESSION_EVENTS), new StringDeserializer(),
                ContractSerdes.sessionEvents(), PATIENCE);
    }
}

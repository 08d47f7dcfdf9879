package io.crewstream.ingestor.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import io.crewstream.ingestor.config.IngestorConfigValidator;
import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.publish.GatewayWriters;
import io.crewstream.ingestor.publish.InputTopics;
import io.crewstream.ingestor.publish.KafkaUpstreamOutput;
import io.crewstream.ingestor.publish.ProducerSettings;
import io.crewstream.ingestor.publish.PublishHealth;
import io.crewstream.ingestor.publish.RecordSender;
import io.crewstream.ingestor.publish.SnapshotChunker;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionReasonCode;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two ingestor instances (each its own producer, supervisors and ownership, as two processes would have) sharing two
 * simulated gateways on a real broker: the group gives each gateway to exactly one of them, a joining instance takes
 * its share over with a handover (the giver's last status {@code connecting}/{@code handed_over}, then the taker's
 * fresh {@code initial} snapshot), the gateway that stays is not disturbed, and a stopping instance's gateway goes
 * back to the other, again with a fresh snapshot.
 */
@ExtendWith(KafkaBrokerExtension.class)
class GatewayOwnershipIntegrationTest {

    private static final String TOKEN = "ownership-token-5e1c";
    private static final List<String> GATEWAYS = List.of("gw-a", "gw-b");

    private final List<OpenClawSimulator> gateways = new ArrayList<>();
    private final List<Instance> instances = new ArrayList<>();
    private KafkaBroker broker;
    private KafkaSettings shared;
    private KafkaOutput output;
    private IngestorProperties properties;
    private InputTopics topics;

    @BeforeEach
    void setUp(KafkaBroker broker) {
        this.broker = broker;
        String prefix = broker.uniquePrefix("ownership");
        this.shared = new KafkaSettings(broker.bootstrapServers(), prefix, 1, (short) 1, null);
        this.output = new KafkaOutput(broker, new TopicNamespace(prefix));
        List<IngestorProperties.Upstream> upstreams = new ArrayList<>();
        for (String id : GATEWAYS) {
            OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
            gateway.sessions().create("agent:main:" + id, JsonMapper.shared().createObjectNode().put("label", id));
            gateway.start();
            this.gateways.add(gateway);
            upstreams.add(new IngestorProperties.Upstream(id, gateway.url().toString(), "TOKEN", null, true));
        }
        IngestorProperties.Kafka kafka = new IngestorProperties.Kafka(1, true, Duration.ofSeconds(30), 262_144,
                900_000, 100_000);
        IngestorProperties.Connection connection = new IngestorProperties.Connection(Duration.ofSeconds(60),
                Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofSeconds(60), Duration.ofSeconds(10),
                Duration.ofSeconds(2), Duration.ofSeconds(30), 500, Duration.ofSeconds(5), Duration.ofSeconds(5));
        // The broker's minimum session timeout; a graceful handover does not wait for it anyway.
        IngestorProperties.Ownership ownership = new IngestorProperties.Ownership(Duration.ofSeconds(6),
                Duration.ofSeconds(1), Duration.ofSeconds(10));
        this.properties = new IngestorProperties(upstreams, kafka, connection, false, null, ownership);
        this.topics = new InputTopics(this.shared, kafka);
        this.topics.start();
    }

    @AfterEach
    void tearDown() {
        this.instances.forEach(Instance::close);
        this.topics.stop();
        this.gateways.forEach(OpenClawSimulator::close);
    }

    @Test
    void eachGatewayHasOneOwnerAndMovesWithAHandoverAndAFreshSnapshotWhenInstancesComeAndGo() {
        Instance one = start("one");
        await().until(() -> one.ownership.owned().equals(GATEWAYS));
        GATEWAYS.forEach(id -> await().until(() -> lastState(id) == UpstreamState.CONNECTED));
        GATEWAYS.forEach(id -> assertThat(initialSnapshots(id)).as("snapshots of %s", id).hasSize(1));

        Instance two = start("two");
        await().until(() -> one.ownership.owned().size() == 1 && two.ownership.owned().size() == 1);
        assertThat(owners(one, two)).as("each gateway owned by exactly one instance")
                .containsExactlyInAnyOrderElementsOf(GATEWAYS);
        String moved = two.ownership.owned().get(0);
        String kept = one.ownership.owned().get(0);
        await().until(() -> initialSnapshots(moved).size() == 2 && lastState(moved) == UpstreamState.CONNECTED);
        List<ConnectionStatusEvent> movedStatuses = statuses(moved);
        ConnectionStatusEvent handedOver = movedStatuses.stream()
                .filter(status -> ConnectionReasonCode.HANDED_OVER.wireName().equals(status.reasonCode()))
                .findFirst().orElseThrow();
        assertThat(handedOver.state()).as("runs are kept over a handover").isEqualTo(UpstreamState.CONNECTING);
        assertThat(initialSnapshots(moved).get(1).timestamp()).as("the new owner's snapshot follows the handover")
                .isGreaterThanOrEqualTo(handedOver.observedAt());
        assertThat(movedStatuses.subList(movedStatuses.indexOf(handedOver) + 1, movedStatuses.size()))
                .as("after the handover only the new owner's connect").extracting(ConnectionStatusEvent::state)
                .containsExactly(UpstreamState.CONNECTING, UpstreamState.CONNECTED);
        assertThat(statuses(kept)).as("the gateway that stayed is not disturbed by the rebalance")
                .extracting(ConnectionStatusEvent::state)
                .containsExactly(UpstreamState.CONNECTING, UpstreamState.CONNECTED);
        assertThat(initialSnapshots(kept)).hasSize(1);
        assertThat(one.ownership.standings().get(moved).why()).isEqualTo("released: revoked");

        assertThat(two.ownership.membership().member()).isTrue();
        two.close();
        assertThat(two.ownership.membership()).satisfies(left -> {
            assertThat(left.member()).isFalse();
            assertThat(left.why()).isEqualTo("stopped");
        });
        assertThat(two.ownership.owned()).isEmpty();
        await().until(() -> one.ownership.owned().equals(GATEWAYS));
        await().until(() -> initialSnapshots(moved).size() == 3 && lastState(moved) == UpstreamState.CONNECTED);
        List<ConnectionStatusEvent> afterStop = statuses(moved);
        ConnectionStatusEvent stopped = afterStop.stream()
                .filter(status -> ConnectionReasonCode.STOPPED.wireName().equals(status.reasonCode()))
                .reduce((first, second) -> second).orElseThrow();
        assertThat(stopped.state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(initialSnapshots(moved).get(2).timestamp()).as("taken back with a fresh snapshot")
                .isGreaterThanOrEqualTo(stopped.observedAt());
        assertThat(initialSnapshots(kept)).hasSize(1);
    }

    @Test
    void aFencedWriterSilencesTheGatewayForASessionTimeoutThenReopensItIfStillAssignedWhileAFailedOneIsReopenedAfterItsBackoff() {
        Instance one = start("one", ScriptedWriters::new);
        ScriptedWriters writers = (ScriptedWriters) one.writers;
        await().until(() -> one.ownership.owned().equals(GATEWAYS));
        GATEWAYS.forEach(id -> await().until(() -> lastState(id) == UpstreamState.CONNECTED));

        writers.lose("gw-a", true);
        await().until(() -> one.ownership.standings().get("gw-a").phase() instanceof GatewayPhase.Fenced);
        assertThat(one.supervisors.all().get(0).running()).as("gw-a's supervisor").isFalse();
        int statusesWhenFenced = allStatuses("gw-a").size();
        // Restatements are due every 5 s: over 5.5 s a supervisor still running would have written one. The fence is
        // rechecked only after the session timeout and two heartbeats (8 s here).
        Awaitility.await().during(Duration.ofMillis(5_500)).atMost(Duration.ofSeconds(7))
                .until(() -> allStatuses("gw-a").size() == statusesWhenFenced && writers.opens("gw-a") == 1);
        assertThat(one.registry.get("crewstream.ingestor.ownership.released").tag("connection", "gw-a")
                .tag("reason", "fenced").counter().count()).isEqualTo(1);
        // No other instance took it: still assigned here, so the fence was not an owner's and the gateway comes back.
        await().until(() -> writers.opens("gw-a") == 2 && one.ownership.ownedHere("gw-a")
                && initialSnapshots("gw-a").size() == 2 && lastState("gw-a") == UpstreamState.CONNECTED);

        writers.lose("gw-b", false);
        await().until(() -> writers.opens("gw-b") == 2 && one.ownership.ownedHere("gw-b")
                && initialSnapshots("gw-b").size() == 2 && lastState("gw-b") == UpstreamState.CONNECTED);
        assertThat(one.registry.get("crewstream.ingestor.ownership.released").tag("connection", "gw-b")
                .tag("reason", "writer-failed").counter().count()).isEqualTo(1);
        assertThat(one.registry.get("crewstream.ingestor.ownership.acquired").tag("connection", "gw-b").counter()
                .count()).isEqualTo(2);
    }

    private Instance start(String instanceId) {
        return start(instanceId, sender -> sender);
    }

    /** @param writers the instance's writers, given its real fenced sender */
    private Instance start(String instanceId, Function<RecordSender, GatewayWriters> writers) {
        Instance instance = new Instance(instanceId, writers);
        this.instances.add(instance);
        instance.start();
        return instance;
    }

    private static List<String> owners(Instance... instances) {
        List<String> owned = new ArrayList<>();
        for (Instance instance : instances) {
            owned.addAll(instance.ownership.owned());
        }
        Set<String> distinct = new HashSet<>(owned);
        assertThat(distinct).as("no gateway owned twice").hasSameSizeAs(owned);
        return owned;
    }

    /** The gateway's status changes, in order, restatements left out. */
    private List<ConnectionStatusEvent> statuses(String connectionId) {
        List<ConnectionStatusEvent> changes = new ArrayList<>();
        for (ConnectionStatusEvent status : this.output.allStatuses()) {
            if (status.connectionId().equals(connectionId)
                    && (changes.isEmpty() || !status.restates(changes.get(changes.size() - 1)))) {
                changes.add(status);
            }
        }
        return changes;
    }

    /** Every status record of the gateway, restatements included. */
    private List<ConnectionStatusEvent> allStatuses(String connectionId) {
        return this.output.allStatuses().stream().filter(status -> status.connectionId().equals(connectionId))
                .toList();
    }

    private UpstreamState lastState(String connectionId) {
        List<ConnectionStatusEvent> statuses = statuses(connectionId);
        return statuses.isEmpty() ? null : statuses.get(statuses.size() - 1).state();
    }

    /** The first chunk of each complete {@code initial} snapshot of the gateway, as a consumer reads it. */
    private List<ConsumerRecord<String, SessionEvent>> initialSnapshots(String connectionId) {
        List<ConsumerRecord<String, SessionEvent>> records = this.output.sessionEventRecords().stream()
                .filter(record -> record.key().equals(connectionId)).toList();
        List<List<SnapshotChunk>> complete = KafkaOutput.completeSnapshots(
                records.stream().map(ConsumerRecord::value).toList());
        return complete.stream().filter(chunks -> chunks.get(0).reason().equals("initial"))
                .map(chunks -> records.stream().filter(record -> record.value().equals(chunks.get(0))).findFirst()
                        .orElseThrow())
                .toList();
    }

    private static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200));
    }

    /** What one ingestor process has of its own: producer, supervisors, ownership. */
    private final class Instance implements AutoCloseable {

        final RecordSender sender;
        final GatewayWriters writers;
        final UpstreamSupervisors supervisors;
        final GatewayOwnership ownership;
        final SimpleMeterRegistry registry = new SimpleMeterRegistry();
        private boolean closed;

        Instance(String instanceId, Function<RecordSender, GatewayWriters> writers) {
            SimpleMeterRegistry registry = this.registry;
            List<UpstreamTarget> targets = new IngestorConfigValidator(name -> TOKEN)
                    .validate(GatewayOwnershipIntegrationTest.this.properties);
            IngestorProperties properties = GatewayOwnershipIntegrationTest.this.properties;
            KafkaSettings shared = GatewayOwnershipIntegrationTest.this.shared;
            this.sender = new RecordSender(
                    connectionId -> new KafkaProducer<>(ProducerSettings.of(shared, properties.kafka(), connectionId)),
                    new TopicNamespace(shared.topicPrefix()), new PublishHealth(Clock.systemUTC()), 10_000,
                    instanceId, registry, Clock.systemUTC());
            this.writers = writers.apply(this.sender);
            this.supervisors = new UpstreamSupervisors(targets, properties.connection(), false,
                    HttpClient.newHttpClient(), new KafkaUpstreamOutput(this.sender,
                            new SnapshotChunker(262_144, 900_000), 900_000, instanceId),
                    registry, "test", Clock.systemUTC());
            this.ownership = new GatewayOwnership(GatewayOwnershipIntegrationTest.this.shared,
                    properties.ownership(), true, instanceId, this.supervisors, this.writers,
                    registry, Clock.systemUTC());
        }

        void start() {
            this.sender.start();
            this.ownership.start();
        }

        @Override
        public void close() {
            if (this.closed) {
                return;
            }
            this.closed = true;
            this.ownership.stop();
            this.sender.close();
        }
    }

    /**
     * The {@link GatewayWriters} contract as the ownership sees it, with the writer losses a test reports: the
     * fenced producer itself is the publishing side's (and its tests'); here what matters is how ownership reacts.
     */
    /** The real fenced writers, whose loss the test can script (without another instance to fence them). */
    private static final class ScriptedWriters implements GatewayWriters {

        private final RecordSender real;
        private final Map<String, Integer> opens = new ConcurrentHashMap<>();
        private volatile WriterLostListener listener;

        ScriptedWriters(RecordSender real) {
            this.real = real;
        }

        @Override
        public void open(String connectionId, Duration timeout) {
            this.opens.merge(connectionId, 1, Integer::sum);
            this.real.open(connectionId, timeout);
        }

        @Override
        public void close(String connectionId, Duration timeout) {
            this.real.close(connectionId, timeout);
        }

        @Override
        public boolean isOpen(String connectionId) {
            return this.real.isOpen(connectionId);
        }

        @Override
        public void onWriterLost(WriterLostListener listener) {
            this.listener = listener;
            this.real.onWriterLost(listener);
        }

        int opens(String connectionId) {
            return this.opens.getOrDefault(connectionId, 0);
        }

        /** As the publisher thread reports it: the writer is gone first, then the listener is told. */
        void lose(String connectionId, boolean fenced) {
            this.real.close(connectionId, Duration.ofSeconds(10));
            this.listener.writerLost(connectionId, fenced, fenced ? "producer fenced" : "producer failed");
        }
    }
}

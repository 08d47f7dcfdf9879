package io.crewstream.ingestor;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.crewstream.ingestor.support.GatewayRecords;
import io.crewstream.ingestor.support.GatewayRecords.Written;
import io.crewstream.ingestor.support.IngestorProcess;
import io.crewstream.ingestor.support.IngestorProcess.Gateway;
import io.crewstream.ingestor.support.IngestorProcess.Ownership;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.ingestor.support.SessionChurn;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Several ingestors sharing the gateways (issue #17), as real processes: three ingestor JVMs, four simulated
 * gateways, the real broker. Each gateway has exactly one owner; when an owner is killed ({@code kill -9}) its
 * gateways move to the survivors within {@link #FAILOVER_BOUND}, the table converges to the gateways' truth, and no
 * gateway's records come from two instances interleaved. Both tests share the processes; each holds for any number
 * of live instances, so their order does not matter.
 *
 * <p>The instances' logs are kept under {@code target/ha-logs/}.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IngestorFailoverIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(IngestorFailoverIntegrationTest.class);

    private static final List<String> GATEWAYS = List.of("gw-1", "gw-2", "gw-3", "gw-4");

    private static final int INSTANCES = 3;

    /** The broker's smallest allowed (group.min.session.timeout.ms): a crash is noticed as soon as Kafka allows. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    /**
     * From {@code kill -9} of an owner to each of its gateways connected by a survivor whose fresh snapshot is
     * committed: the session timeout (6 s), the rebalance, Kafka making the survivor the gateway's writer, the
     * connection and the snapshot. Measured on the 2-core build machine (2026-12-02, shared with other builds): 5.7
     * to 7.1 s from the kill to the new owner's {@code connected} status, its snapshot within 40 ms after (the
     * test's "failover of" log lines, 10 gateway moves in 5 runs; with the production 10 s timeout see BENCHMARKS.md).
     * The bound leaves room for a machine busier than that.
     */
    private static final Duration FAILOVER_BOUND = Duration.ofSeconds(30);

    /** Three JVMs starting at once on two shared cores. */
    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final List<OpenClawSimulator> simulators = new ArrayList<>();

    private final List<IngestorProcess> instances = new ArrayList<>();

    private GatewayRecords records;

    @BeforeAll
    void startInstancesSharingFourGateways(KafkaBroker broker) {
        String prefix = broker.uniquePrefix("ingestor-failover");
        this.records = new GatewayRecords(broker, new TopicNamespace(prefix));
        List<Gateway> gateways = new ArrayList<>();
        for (String id : GATEWAYS) {
            String token = "token-of-" + id;
            // Ticks every second: raw frames keep flowing, so a second writer would show in raw-frames too.
            OpenClawSimulator simulator = new OpenClawSimulator(SimulatorConfig.defaults(token)
                    .withTickInterval(Duration.ofSeconds(1)));
            simulator.start();
            this.simulators.add(simulator);
            gateways.add(new Gateway(id, simulator.url(), token));
        }
        new SessionChurn(simulators, Duration.ofMillis(50)).seed(6);
        Path logs = Path.of("target", "ha-logs", prefix.replace(".", ""));
        for (int i = 1; i <= INSTANCES; i++) {
            this.instances.add(IngestorProcess.start("ingestor-" + i, broker.bootstrapServers(), prefix, gateways,
                    SESSION_TIMEOUT, HEARTBEAT_INTERVAL, logs));
        }
        log.info("Started {}", instances);
        await(STARTUP).until(this.records::topicsExist);
    }

    @AfterAll
    void stopEverything() {
        this.instances.forEach(IngestorProcess::close);
        this.simulators.forEach(OpenClawSimulator::close);
        log.info("Logs of the ingestor instances: {}", this.instances.stream().map(IngestorProcess::log).toList());
    }

    @Test
    void eachGatewayHasExactlyOneOwnerThatStatusHealthAndGatewayAgreeOn() {
        await(STARTUP).untilAsserted(() -> assertEachGatewayHasOneOwner(live()));
    }

    @Test
    void aKilledOwnersGatewaysMoveToTheSurvivorsWithoutInterleavingAndTheTableConverges() throws Exception {
        await(STARTUP).untilAsserted(() -> assertEachGatewayHasOneOwner(live()));
        Map<IngestorProcess, Set<String>> owned = new LinkedHashMap<>();
        live().forEach(instance -> owned.put(instance, instance.ownership().orElseThrow().owned()));
        IngestorProcess victim = owned.entrySet().stream()
                .max(Comparator.comparingInt(entry -> entry.getValue().size())).orElseThrow().getKey();
        Set<String> moved = owned.get(victim);
        assertThat(moved).as("the instance to kill owns gateways").isNotEmpty();

        Instant killedAt;
        try (SessionChurn churn = new SessionChurn(simulators, Duration.ofMillis(50))) {
            churn.start();
            await(Duration.ofSeconds(10)).until(() -> churn.changes() >= 40);
            killedAt = Instant.now();
            victim.kill();
            log.info("Killed {} (kill -9), owner of {}", victim, moved);
            List<String> survivors = live().stream().map(IngestorProcess::instanceId).toList();

            await(FAILOVER_BOUND).untilAsserted(() -> {
                Map<String, ConnectionStatusEvent> latest = this.records.latestStatuses();
                Map<String, List<Written<SessionEvent>>> events = this.records.sessionEvents();
                for (String gateway : moved) {
                    ConnectionStatusEvent status = latest.get(gateway);
                    assertThat(status.owner()).as(gateway + "'s owner").isIn(survivors);
                    assertThat(status.state()).as(gateway + "'s state").isEqualTo(UpstreamState.CONNECTED);
                    assertThat(KafkaOutput.completeSnapshots(events.get(gateway).stream()
                            .filter(event -> status.owner().equals(event.writer())).map(Written::value).toList()))
                            .as("complete snapshots of " + gateway + " by its new owner").isNotEmpty();
                }
            });
            logFailoverTimes(moved, victim.instanceId(), killedAt);
            await(FAILOVER_BOUND).untilAsserted(() -> assertEachGatewayHasOneOwner(live()));
            long afterFailover = churn.changes();
            await(Duration.ofSeconds(10)).until(() -> churn.changes() >= afterFailover + 40);
        }

        await(Duration.ofSeconds(30)).untilAsserted(() -> {
            Map<String, Map<String, String>> table = this.records.labels();
            for (int i = 0; i < GATEWAYS.size(); i++) {
                assertThat(table.get(GATEWAYS.get(i))).as("the table's sessions of " + GATEWAYS.get(i))
                        .isEqualTo(SessionChurn.labels(this.simulators.get(i)));
            }
        });
        Map<String, List<String>> statusWriters = this.records.writers(Topic.CONNECTION_STATUS);
        for (String gateway : moved) {
            assertThat(GatewayRecords.runs(statusWriters.get(gateway))).as("owners of " + gateway + " in its statuses")
                    .contains(victim.instanceId()).hasSizeGreaterThanOrEqualTo(2)
                    .last().isNotEqualTo(victim.instanceId());
        }
        for (Topic topic : GatewayRecords.WRITTEN) {
            this.records.writers(topic).forEach((gateway, writers) -> {
                assertThat(writers).as("writers of " + gateway + "'s " + topic + " records").doesNotContainNull();
                assertThat(GatewayRecords.runs(writers)).as("runs of writers of " + gateway + "'s " + topic
                        + " records: none may come back after another instance wrote").doesNotHaveDuplicates();
            });
        }
    }

    /**
     * Each gateway's latest status is {@code connected} and names an owner; each live instance's health agrees; the
     * instances' sets of owned gateways are disjoint and together cover every gateway; each gateway has exactly one
     * client connected.
     */
    private void assertEachGatewayHasOneOwner(List<IngestorProcess> live) {
        Map<String, List<String>> claims = new TreeMap<>();
        for (IngestorProcess instance : live) {
            Ownership ownership = instance.ownership().orElseThrow(
                    () -> new AssertionError(instance + " does not answer /actuator/health/ownership"));
            assertThat(ownership.instanceId()).as(ownership.json().toString()).isEqualTo(instance.instanceId());
            ownership.owned().forEach(gateway -> claims.computeIfAbsent(gateway, key -> new ArrayList<>())
                    .add(instance.instanceId()));
        }
        assertThat(claims).as("the gateways each instance says it owns").containsOnlyKeys(GATEWAYS);
        claims.forEach((gateway, owners) -> assertThat(owners).as("instances owning " + gateway).hasSize(1));
        Map<String, ConnectionStatusEvent> latest = this.records.latestStatuses();
        for (String gateway : GATEWAYS) {
            ConnectionStatusEvent status = latest.get(gateway);
            assertThat(status).as(gateway + "'s latest status").isNotNull();
            assertThat(status.state()).as(gateway + "'s latest status").isEqualTo(UpstreamState.CONNECTED);
            assertThat(status.owner()).as(gateway + "'s latest status").isEqualTo(claims.get(gateway).get(0));
        }
        for (int i = 0; i < GATEWAYS.size(); i++) {
            assertThat(this.simulators.get(i).authenticatedConnections()).as("clients connected to " + GATEWAYS.get(i))
                    .isEqualTo(1);
        }
    }

    /**
     * What the failover took, gateway by gateway, from the records (the ingestors' clocks: same machine): kill → the
     * new owner's first {@code connected} status, and kill → the last chunk of its first snapshot sent (committed
     * soon after, in the same transaction).
     */
    private void logFailoverTimes(Set<String> moved, String victim, Instant killedAt) {
        Map<String, List<Written<ConnectionStatusEvent>>> statuses = this.records.statuses();
        Map<String, List<Written<SessionEvent>>> events = this.records.sessionEvents();
        for (String gateway : moved) {
            Written<ConnectionStatusEvent> connected = statuses.get(gateway).stream()
                    .filter(status -> !victim.equals(status.writer())
                            && status.value().state() == UpstreamState.CONNECTED)
                    .findFirst().orElseThrow();
            Written<SessionEvent> lastChunk = events.get(gateway).stream()
                    .filter(event -> connected.writer().equals(event.writer())
                            && event.value() instanceof SnapshotChunk chunk && chunk.isLast())
                    .findFirst().orElseThrow();
            log.info("failover of {} from {} to {}: kill -> connected status {} ms, -> last snapshot chunk sent {} ms",
                    gateway, victim, connected.writer(), connected.value().observedAt() - killedAt.toEpochMilli(),
                    lastChunk.timestamp() - killedAt.toEpochMilli());
        }
    }

    private List<IngestorProcess> live() {
        return this.instances.stream().filter(IngestorProcess::isAlive).collect(Collectors.toList());
    }

    private static ConditionFactory await(Duration atMost) {
        // Each poll reads whole topics back: not more often than needed.
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(500));
    }
}

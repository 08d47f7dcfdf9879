package io.crewstream.ingestor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crewstream.ingestor.support.GatewayRecords;
import io.crewstream.ingestor.support.GatewayRecords.Written;
import io.crewstream.ingestor.support.IngestorProcess;
import io.crewstream.ingestor.support.IngestorProcess.Gateway;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.ingestor.support.SessionChurn;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fencing (issue #17): the owner of a gateway is frozen ({@code kill -STOP}, as a long GC pause or a suspended VM)
 * past its session timeout while the gateway keeps changing; the other instance takes the gateway over; then the
 * frozen one is resumed ({@code kill -CONT}) with its threads carrying on where they were: publishing what its socket
 * had buffered. Kafka must refuse all of it: nothing it writes after the takeover is visible to a
 * {@code read_committed} reader, and its own counters show that it did try and was refused.
 *
 * <p>Two instances and one gateway, so that the resumed instance, when it joins the group again, gets nothing back
 * (the sticky assignor leaves the gateway where it is): every record of it after the takeover would be a zombie's.
 * The instances' logs are kept under {@code target/ha-logs/}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class FrozenOwnerFencingIntegrationTest {

    private static final Logger log = LoggerFactory.getLogger(FrozenOwnerFencingIntegrationTest.class);

    private static final String GATEWAY = "gw-1";

    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

    /** Session timeout, rebalance, the survivor made the writer, connection and snapshot; see the failover test. */
    private static final Duration TAKEOVER_BOUND = Duration.ofSeconds(30);

    private static final Duration STARTUP = Duration.ofSeconds(120);

    private final List<IngestorProcess> instances = new ArrayList<>();

    private OpenClawSimulator simulator;

    @AfterEach
    void stopEverything() {
        this.instances.forEach(IngestorProcess::close);
        if (this.simulator != null) {
            this.simulator.close();
        }
        log.info("Logs of the ingestor instances: {}", this.instances.stream().map(IngestorProcess::log).toList());
    }

    @Test
    void anOwnerFrozenPastItsSessionTimeoutCannotPublishForTheGatewayOnceResumed(KafkaBroker broker)
            throws Exception {
        String prefix = broker.uniquePrefix("ingestor-fencing");
        GatewayRecords records = new GatewayRecords(broker, new TopicNamespace(prefix));
        this.simulator = new OpenClawSimulator(SimulatorConfig.defaults("fencing-token")
                .withTickInterval(Duration.ofSeconds(1)));
        this.simulator.start();
        List<Gateway> gateways = List.of(new Gateway(GATEWAY, this.simulator.url(), "fencing-token"));
        Path logs = Path.of("target", "ha-logs", prefix.replace(".", ""));
        SessionChurn churn = new SessionChurn(List.of(this.simulator), Duration.ofMillis(50));
        churn.seed(6);
        for (String name : List.of("ingestor-a", "ingestor-b")) {
            this.instances.add(IngestorProcess.start(name, broker.bootstrapServers(), prefix, gateways,
                    SESSION_TIMEOUT, HEARTBEAT_INTERVAL, logs));
        }

        await(STARTUP).until(records::topicsExist);
        String firstOwner = await(STARTUP).until(() -> connectedOwner(records), owner -> owner != null
                && instance(owner).ownership().map(ownership -> ownership.owned().contains(GATEWAY)).orElse(false));
        IngestorProcess frozen = instance(firstOwner);
        IngestorProcess survivor = this.instances.stream().filter(instance -> instance != frozen).findFirst()
                .orElseThrow();
        Map<TopicPartition, Long> endAtTakeover;
        try (churn) {
            churn.start();
            await(Duration.ofSeconds(10)).until(() -> churn.changes() >= 20);
            frozen.freeze();
            log.info("Froze {} (kill -STOP), owner of {}", frozen, GATEWAY);

            await(TAKEOVER_BOUND).untilAsserted(() -> {
                assertThat(connectedOwner(records)).isEqualTo(survivor.instanceId());
                assertThat(KafkaOutput.completeSnapshots(records.sessionEvents().get(GATEWAY).stream()
                        .filter(event -> survivor.instanceId().equals(event.writer())).map(Written::value).toList()))
                        .as("complete snapshots by the new owner").isNotEmpty();
            });
            // The frozen instance can write nothing until resumed: a record of it at or past these offsets was
            // written after the takeover.
            endAtTakeover = records.endOffsets();
            long atTakeover = churn.changes();
            // Changes its socket buffers while frozen: what it will try to publish once resumed.
            await(Duration.ofSeconds(10)).until(() -> churn.changes() >= atTakeover + 20);
            frozen.resume();
            log.info("Resumed {} (kill -CONT)", frozen);

            await(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(frozen.isAlive()).as("the resumed instance keeps running").isTrue();
                assertThat(frozen.ownership()).as("the resumed instance's ownership health").hasValueSatisfying(
                        ownership -> assertThat(ownership.owned()).doesNotContain(GATEWAY));
                assertThat(frozen.metric("crewstream.ingestor.ownership.released", "connection:" + GATEWAY))
                        .as("gateways the resumed instance released (lost or fenced)").isGreaterThanOrEqualTo(1);
            });
            long atResume = churn.changes();
            await(Duration.ofSeconds(10)).until(() -> churn.changes() >= atResume + 20);
        }

        await(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(records.labels().get(GATEWAY))
                .as("the table's sessions").isEqualTo(SessionChurn.labels(this.simulator)));
        assertThat(frozen.metric("crewstream.ingestor.publish.transactions", "outcome:fenced"))
                .as("transactions of the resumed instance that Kafka refused: it did try to write").isPositive();
        assertThat(GatewayRecords.runs(records.writers(Topic.CONNECTION_STATUS).get(GATEWAY)))
                .as("owners in the gateway's statuses").containsExactly(frozen.instanceId(), survivor.instanceId());
        for (Topic topic : GatewayRecords.WRITTEN) {
            List<Written<byte[]>> written = records.records(topic).getOrDefault(GATEWAY, List.of());
            assertThat(written).extracting(Written::writer).as("writers of " + topic)
                    .isSubsetOf(frozen.instanceId(), survivor.instanceId());
            assertThat(written).filteredOn(record -> frozen.instanceId().equals(record.writer()))
                    .as("records of the frozen instance in " + topic + " written after the takeover")
                    .allSatisfy(record -> assertThat(record.offset()).isLessThan(endAtTakeover.get(
                            new TopicPartition(records.name(topic), record.partition()))));
            assertThat(GatewayRecords.runs(written.stream().map(Written::writer).toList()))
                    .as("runs of writers of " + topic + ": the frozen instance never after the new owner")
                    .isIn(List.of(), List.of(frozen.instanceId()), List.of(survivor.instanceId()),
                            List.of(frozen.instanceId(), survivor.instanceId()));
        }
        // Being fenced is not a Kafka outage: nothing of the gateway was lost (its new owner writes it), so the
        // resumed instance must not report publishing as failing (forever: it owns nothing to succeed with).
        assertThat(frozen.health()).as("the resumed instance's health").hasValueSatisfying(health -> assertThat(
                health.at("/components/publishing/status").asString()).as(health.toString()).isEqualTo("UP"));
    }

    /** The gateway's owner by its latest status when that status is {@code connected}; else null. */
    private static String connectedOwner(GatewayRecords records) {
        ConnectionStatusEvent status = records.latestStatuses().get(GATEWAY);
        return (status != null && status.state() == UpstreamState.CONNECTED) ? status.owner() : null;
    }

    private IngestorProcess instance(String instanceId) {
        return this.instances.stream().filter(instance -> instance.instanceId().equals(instanceId)).findFirst()
                .orElseThrow(() -> new AssertionError("no instance " + instanceId));
    }

    private static ConditionFactory await(Duration atMost) {
        // Each poll reads whole topics back: not more often than needed.
        return Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(500));
    }
}

package io.crewstream.ingestor;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.ingestor.requests.SnapshotRequestListener;
import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.schemas.Topic;
import io.crewstream.ingestor.support.ScriptedGateway;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.SnapshotRequest;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ingestor application against a simulated gateway on a real socket and a real Kafka broker: what appears on
 * the topics when the gateway behaves, changes, and breaks in each way the protocol allows.
 */
@ExtendWith(KafkaBrokerExtension.class)
class UpstreamScenariosTest {

    private static final String TOKEN = "scenario-token-3b9d";
    private static final String CONNECTION = "gw-1";

    @TempDir
    Path folder;

    private KafkaBroker broker;
    private KafkaOutput kafka;
    private String prefix;
    private OpenClawSimulator gateway;
    private IngestorRun ingestor;

    @BeforeEach
    void setUp(KafkaBroker broker) {
        this.broker = broker;
        this.prefix = broker.uniquePrefix("ingestor");
        this.kafka = new KafkaOutput(broker, new TopicNamespace(this.prefix));
    }

    @AfterEach
    void tearDown() {
        if (this.ingestor != null) {
            this.ingestor.close();
        }
        if (this.gateway != null) {
            this.gateway.close();
        }
    }

    @Test
    void gatewayDownAtStartIsSnapshottedAndReportedConnectedOnceItComesUpWithoutAnyRequest() throws IOException {
        int port = freePort();
        this.ingestor = ingestor(URI.create("ws://127.0.0.1:" + port)).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.UNREACHABLE));
        // Shorter than the 10 s of the seed report: what matters is that nobody asks, and it still recovers.
        this.gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN).withPort(port));
        this.gateway.sessions().create("agent:main:one", fields("label", "one"));
        this.gateway.sessions().create("agent:main:two", fields("label", "two"));
        this.gateway.start();

        await().untilAsserted(() -> assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED));
        List<ConnectionStatusEvent> statuses = this.kafka.statuses();
        assertThat(statuses.get(0).state()).isEqualTo(UpstreamState.CONNECTING);
        ConnectionStatusEvent unreachable = statuses.stream()
                .filter(status -> status.state() == UpstreamState.UNREACHABLE).findFirst().orElseThrow();
        assertThat(unreachable.reason()).contains("connection refused").contains("127.0.0.1:" + port);
        assertThat(unreachable.reasonCode()).isEqualTo("connection_refused");
        assertThat(statuses.get(statuses.size() - 1).gatewayVersion()).isEqualTo(SimulatorConfig.DEFAULT_SERVER_VERSION);
        assertThat(this.kafka.completeSnapshots()).hasSize(1);
        assertThat(this.kafka.foldedSessions()).containsOnlyKeys("agent:main:one", "agent:main:two");
    }

    @Test
    void unknownHostIsReportedUnreachableNamingTheHost() {
        this.ingestor = ingestor(URI.create("ws://no-such-gateway.invalid:18789")).start();

        await().until(() -> this.kafka.states().contains(UpstreamState.UNREACHABLE));
        ConnectionStatusEvent unreachable = this.kafka.statuses().get(1);
        assertThat(unreachable.state()).isEqualTo(UpstreamState.UNREACHABLE);
        assertThat(unreachable.reason()).isEqualTo("cannot resolve host 'no-such-gateway.invalid'");
        assertThat(unreachable.upstreamUrl()).isEqualTo("ws://no-such-gateway.invalid:18789");
        assertThat(this.kafka.sessionEvents()).as("an unreachable gateway is not an empty one").isEmpty();
    }

    @Test
    void emptyGatewayIsPublishedAsASnapshotWithZeroSessions() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.ingestor = ingestor(this.gateway.url()).start();

        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));
        List<List<SnapshotChunk>> snapshots = this.kafka.completeSnapshots();
        assertThat(snapshots).hasSize(1);
        SnapshotChunk only = snapshots.get(0).get(0);
        assertThat(only.chunkCount()).isEqualTo(1);
        assertThat(only.totalSessions()).isZero();
        assertThat(only.sessions()).isEmpty();
        assertThat(only.reason()).isEqualTo("initial");
    }

    @Test
    void everyGatewayChangeBecomesOneRecordAndTheKeylessEchoOfADeleteIsNoResync() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.gateway.sessions().create("agent:main:kept", fields("label", "kept"));
        this.ingestor = ingestor(this.gateway.url()).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));
        MeterRegistry meters = this.ingestor.bean(MeterRegistry.class);

        this.gateway.sessions().create("agent:main:new", fields("label", "new"));
        this.gateway.sessions().patch("agent:main:kept", fields("label", "renamed"), null);
        // The gateway follows the keyed delete with a keyless one (2026.9.6): that one says nothing new.
        this.gateway.sessions().delete("agent:main:new");
        // Handled after the keyless change (one socket, one order): once it is in Kafka, that one was handled too.
        this.gateway.sessions().create("agent:main:last", fields("label", "last"));

        await().until(() -> this.kafka.sessionEvents().stream().filter(SessionUpserted.class::isInstance)
                .anyMatch(event -> ((SessionUpserted) event).sessionKey().equals("agent:main:last")));
        assertThat(listings(meters)).as("listings after the initial snapshot").isEqualTo(1);
        List<SessionEvent> events = this.kafka.sessionEvents();
        assertThat(KafkaOutput.completeSnapshots(events)).hasSize(1);
        List<SessionEvent> changes = events.stream().filter(event -> !(event instanceof SnapshotChunk)).toList();
        assertThat(changes).hasSize(4);
        assertThat(changes.get(0)).isInstanceOfSatisfying(SessionUpserted.class, created -> {
            assertThat(created.sessionKey()).isEqualTo("agent:main:new");
            assertThat(created.reason()).isEqualTo("create");
        });
        assertThat(changes.get(1)).isInstanceOfSatisfying(SessionUpserted.class,
                patched -> assertThat(patched.session().label()).isEqualTo("renamed"));
        assertThat(changes.get(2)).isInstanceOfSatisfying(SessionRemoved.class,
                removed -> assertThat(removed.sessionKey()).isEqualTo("agent:main:new"));
        assertThat(events).allSatisfy(event -> assertThat(event.connectionId()).isEqualTo(CONNECTION));
        assertThatKafkaEqualsTheGateway();
    }

    @Test
    void seqGapTriggersAFreshSnapshot() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.ingestor = ingestor(this.gateway.url()).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.sessions().create("agent:main:before-gap", fields("label", "before gap"));
        await().until(() -> this.kafka.sessionEvents().stream().anyMatch(SessionUpserted.class::isInstance));
        this.gateway.faults().skipSeq(3);
        this.gateway.sessions().create("agent:main:after-gap", fields("label", "after gap"));

        await().until(() -> this.kafka.completeSnapshots(reason -> reason.equals("seq-gap")).size() == 1);
        assertThatKafkaEqualsTheGateway();
    }

    @Test
    void silentGatewayIsClosedAfterTwoTicksWithoutAFrameAndReconnected() {
        startGateway(SimulatorConfig.defaults(TOKEN).withTickInterval(Duration.ofMillis(300)));
        this.ingestor = ingestor(this.gateway.url()).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.faults().goSilent();
        await().until(() -> this.kafka.statuses().stream().anyMatch(status -> "tick_timeout".equals(status.reasonCode())));
        this.gateway.faults().resumeTicks();

        await().untilAsserted(() -> assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED));
        ConnectionStatusEvent timeout = this.kafka.statuses().stream()
                .filter(status -> "tick_timeout".equals(status.reasonCode())).findFirst().orElseThrow();
        assertThat(timeout.state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(timeout.reason()).contains("tick interval 300 ms");
        assertThat(this.kafka.completeSnapshots(reason -> reason.equals("reconnect"))).isNotEmpty();
    }

    @Test
    void gatewayThatKeepsNotTickingIsNeverReportedConnectedBetweenItsTickTimeouts() {
        startGateway(SimulatorConfig.defaults(TOKEN).withTickInterval(Duration.ofMillis(300)));
        this.ingestor = ingestor(this.gateway.url()).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.faults().goSilent();
        // Each reconnect handshakes and snapshots fine; only the ticks are missing.
        await().until(() -> this.kafka.statuses().stream()
                .filter(status -> "tick_timeout".equals(status.reasonCode())).count() >= 3);
        List<ConnectionStatusEvent> statuses = this.kafka.statuses();
        int firstTimeout = statuses.stream().map(ConnectionStatusEvent::reasonCode).toList().indexOf("tick_timeout");
        assertThat(statuses.subList(firstTimeout, statuses.size())).as("statuses after the first tick timeout")
                .noneMatch(status -> status.state() == UpstreamState.CONNECTED)
                .anyMatch(status -> "awaiting_tick".equals(status.reasonCode())
                        && status.state() == UpstreamState.CONNECTING);
        assertThat(this.kafka.completeSnapshots(reason -> reason.equals("reconnect"))).as("the links did come up")
                .hasSizeGreaterThanOrEqualTo(2);

        this.gateway.faults().resumeTicks();
        await().untilAsserted(() -> assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED));
    }

    @Test
    void reSnapshotSlowerThanTheOverdueBoundIsReportedConnectingUntilItIsPublished() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.gateway.sessions().create("agent:main:one", fields("label", "one"));
        this.ingestor = ingestor(this.gateway.url())
                .property("crewstream.ingestor.connection.reconciliation-interval", "500ms")
                .property("crewstream.ingestor.connection.snapshot-overdue", "300ms").start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.faults().slowResponses(Duration.ofSeconds(2));
        await().until(() -> this.kafka.statuses().stream()
                .anyMatch(status -> "snapshot_overdue".equals(status.reasonCode())));
        ConnectionStatusEvent overdue = this.kafka.statuses().stream()
                .filter(status -> "snapshot_overdue".equals(status.reasonCode())).findFirst().orElseThrow();
        assertThat(overdue.state()).isEqualTo(UpstreamState.CONNECTING);
        assertThat(overdue.reason()).contains("reconciliation").contains("held back");

        this.gateway.faults().slowResponses(Duration.ZERO);
        await().untilAsserted(() -> assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED));
    }

    @Test
    void changesHeldBackDuringASnapshotAreNotReplayedAfterItSoNoSessionGoesBackToAnOlderVersion() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.gateway.sessions().create("agent:main:busy", fields("label", "v0"));
        this.ingestor = ingestor(this.gateway.url())
                .property("crewstream.ingestor.connection.reconciliation-interval", "20ms").start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));
        MeterRegistry meters = this.ingestor.bean(MeterRegistry.class);
        // Every listing now takes 300 ms and the next starts 20 ms after: a reconciliation is under way nearly all
        // the time, so each burst of changes below is almost surely held back by one (three bursts: surely).
        this.gateway.faults().slowResponses(Duration.ofMillis(300));

        int version = 0;
        for (int burst = 0; burst < 3; burst++) {
            long published = listings(meters);
            for (int i = 0; i < 5; i++) {
                version++;
                this.gateway.sessions().patch("agent:main:busy", fields("label", "v" + version), null);
            }
            await().until(() -> listings(meters) > published + 1);
        }
        this.gateway.faults().slowResponses(Duration.ZERO);

        assertThatKafkaEqualsTheGateway();
        List<Integer> versions = new java.util.ArrayList<>();
        for (SessionEvent event : this.kafka.sessionEvents()) {
            if (event instanceof SnapshotChunk chunk) {
                chunk.sessions().stream().filter(row -> row.key().equals("agent:main:busy"))
                        .forEach(row -> versions.add(Integer.parseInt(row.label().substring(1))));
            }
            else if (event instanceof SessionUpserted upserted && upserted.sessionKey().equals("agent:main:busy")) {
                versions.add(Integer.parseInt(upserted.session().label().substring(1)));
            }
        }
        assertThat(versions).as("versions of the session in the order they were published").isSorted()
                .contains(15);
    }

    @Test
    void unchangedStatusIsRestatedEveryStatusIntervalAndTheLastOneBeforeAStopPromisesNoMore() {
        startGateway(SimulatorConfig.defaults(TOKEN).withTickInterval(Duration.ofMillis(100)));
        this.ingestor = ingestor(this.gateway.url())
                .property("crewstream.ingestor.connection.status-interval", "200ms").start();
        await().until(() -> this.kafka.allStatuses().stream()
                .filter(status -> status.state() == UpstreamState.CONNECTED).count() >= 3);

        List<ConnectionStatusEvent> connected = this.kafka.allStatuses().stream()
                .filter(status -> status.state() == UpstreamState.CONNECTED).toList();
        assertThat(connected).allSatisfy(status -> {
            assertThat(status.statusIntervalMs()).isEqualTo(200);
            assertThat(status.since()).isEqualTo(connected.get(0).since());
        });
        assertThat(connected.get(connected.size() - 1).lastTickAt()).as("a restatement carries the latest tick")
                .isGreaterThan(connected.get(0).lastTickAt());
        assertThat(this.kafka.statuses()).as("restatements are not changes").extracting(ConnectionStatusEvent::state)
                .containsExactly(UpstreamState.CONNECTING, UpstreamState.CONNECTED);

        this.ingestor.close();
        this.ingestor = null;
        await().until(() -> "stopped".equals(lastOf(this.kafka.allStatuses()).reasonCode()));
        assertThat(lastOf(this.kafka.allStatuses()).statusIntervalMs()).isNull();
    }

    private static ConnectionStatusEvent lastOf(List<ConnectionStatusEvent> statuses) {
        return statuses.get(statuses.size() - 1);
    }

    @Test
    void droppedConnectionIsReportedAndReplacedWithAFreshSnapshot() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.ingestor = ingestor(this.gateway.url()).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.faults().dropAllConnections();
        this.gateway.sessions().create("agent:main:while-away", fields("label", "while away"));

        await().until(() -> this.kafka.completeSnapshots(reason -> reason.equals("reconnect")).size() == 1);
        ConnectionStatusEvent dropped = this.kafka.statuses().stream()
                .filter(status -> status.state() == UpstreamState.DISCONNECTED).findFirst().orElseThrow();
        assertThat(dropped.reason()).contains("1006");
        assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED);
        assertThatKafkaEqualsTheGateway();
    }

    @Test
    void restartWithDowntimeIsReportedAndFollowedByAReconnectSnapshot() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.gateway.sessions().create("agent:main:survivor", fields("label", "survivor"));
        this.ingestor = ingestor(this.gateway.url()).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.faults().restart(Duration.ofMillis(800));
        this.gateway.sessions().create("agent:main:during-restart", fields("label", "during"));

        await().until(() -> this.kafka.completeSnapshots(reason -> reason.equals("reconnect")).size() == 1);
        ConnectionStatusEvent shutdown = this.kafka.statuses().stream()
                .filter(status -> "shutdown".equals(status.reasonCode())).findFirst().orElseThrow();
        assertThat(shutdown.state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(shutdown.reason()).contains("restart expected in 800 ms");
        assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED);
        assertThatKafkaEqualsTheGateway();
    }

    @Test
    void gatewayStillStartingIsRetriedUntilItIsReady() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.gateway.faults().starting(Duration.ofMillis(200));
        this.ingestor = ingestor(this.gateway.url()).start();

        await().until(() -> this.kafka.statuses().stream().anyMatch(status -> "UNAVAILABLE".equals(status.reasonCode())
                || "gateway_starting".equals(status.reasonCode())));
        assertThat(this.kafka.states()).doesNotContain(UpstreamState.CONNECTED);
        this.gateway.faults().started();

        await().untilAsserted(() -> assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED));
        ConnectionStatusEvent starting = this.kafka.statuses().get(1);
        assertThat(starting.state()).isEqualTo(UpstreamState.CONNECTING);
        assertThat(starting.reason()).contains("not ready");
    }

    @Test
    void rejectedTokenIsReportedAsAuthFailedAndRetriedUntilAccepted() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.gateway.faults().rejectAuth(true);
        this.ingestor = ingestor(this.gateway.url()).start();

        await().until(() -> this.kafka.states().contains(UpstreamState.AUTH_FAILED));
        ConnectionStatusEvent failed = this.kafka.statuses().stream()
                .filter(status -> status.state() == UpstreamState.AUTH_FAILED).findFirst().orElseThrow();
        assertThat(failed.reasonCode()).isEqualTo("AUTH_TOKEN_MISMATCH");
        MeterRegistry meters = this.ingestor.bean(MeterRegistry.class);
        await().until(() -> meters.counter("crewstream.ingestor.reconnects", "connection", CONNECTION).count() >= 3);
        assertThat(this.kafka.states()).containsOnly(UpstreamState.CONNECTING, UpstreamState.AUTH_FAILED);

        this.gateway.faults().rejectAuth(false);
        await().untilAsserted(() -> assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED));
    }

    @Test
    void malformedJsonIsCountedRecordedAndAnsweredWithAResync() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.ingestor = ingestor(this.gateway.url()).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.faults().sendMalformedJson();

        // A listing of the differences (none here), no full snapshot: nothing was lost for sure.
        await().until(() -> this.kafka.verifications().stream()
                .anyMatch(marker -> marker.reason().equals("malformed-frame")));
        assertThat(this.kafka.completeSnapshots()).hasSize(1);
        assertThat(this.ingestor.bean(MeterRegistry.class)
                .counter("crewstream.ingestor.frames.bad", "connection", CONNECTION, "kind", "malformed").count())
                .isEqualTo(1);
        RawFrame malformed = this.kafka.rawFrames().stream().filter(frame -> frame.frameType().equals("malformed"))
                .findFirst().orElseThrow();
        assertThat(malformed.text()).startsWith("{\"type\":\"event\"");
        assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED);
    }

    @Test
    void frameLargerThanMaxPayloadIsDiscardedCountedAndAnsweredWithAResync() {
        startGateway(SimulatorConfig.defaults(TOKEN).withMaxPayload(64 * 1024));
        this.ingestor = ingestor(this.gateway.url()).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.faults().sendOversizedFrame();

        await().until(() -> this.kafka.verifications().stream()
                .anyMatch(marker -> marker.reason().equals("malformed-frame")));
        assertThat(this.ingestor.bean(MeterRegistry.class)
                .counter("crewstream.ingestor.frames.bad", "connection", CONNECTION, "kind", "oversized").count())
                .isEqualTo(1);
        RawFrame oversized = this.kafka.rawFrames().stream().filter(frame -> frame.frameType().equals("malformed"))
                .findFirst().orElseThrow();
        assertThat(oversized.truncated()).isTrue();
        assertThat(oversized.sizeBytes()).isGreaterThan(64 * 1024);
        assertThat(this.kafka.states()).endsWith(UpstreamState.CONNECTED);
    }

    @Test
    void tenThousandSessionsArePagedIntoOneSnapshotOfChunksEachUnderOneMegabyte() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        String padding = "x".repeat(1700);
        for (int i = 0; i < 10_000; i++) {
            this.gateway.sessions().create("agent:main:bulk-" + i, fields("label", "bulk " + i, "notes", padding));
        }
        this.ingestor = ingestor(this.gateway.url()).property("crewstream.ingestor.connection.page-size", "1000")
                .start();

        await().atMost(Duration.ofSeconds(60)).until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));
        var records = this.kafka.sessionEventRecords();
        assertThat(records).allSatisfy(record -> assertThat(record.serializedValueSize()).isLessThan(1_000_000));
        List<List<SnapshotChunk>> snapshots = KafkaOutput.completeSnapshots(
                records.stream().map(record -> record.value()).toList());
        assertThat(snapshots).hasSize(1);
        List<SnapshotChunk> chunks = snapshots.get(0);
        assertThat(chunks.size()).isGreaterThan(10);
        assertThat(chunks.get(0).totalSessions()).isEqualTo(10_000);
        assertThat(chunks.stream().mapToInt(chunk -> chunk.sessions().size()).sum()).isEqualTo(10_000);
        assertThat(chunks.stream().map(SnapshotChunk::snapshotId).distinct()).hasSize(1);
        assertThat(records.stream().map(record -> record.partition()).distinct()).hasSize(1);
        assertThat(this.kafka.foldedSessions()).hasSize(10_000);
    }

    @Test
    void stoppingTheIngestorReportsItsConnectionsDisconnectedBeforeItGoes() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.ingestor = ingestor(this.gateway.url()).start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.ingestor.close();
        this.ingestor = null;

        ConnectionStatusEvent last = this.kafka.statuses().get(this.kafka.statuses().size() - 1);
        assertThat(last.state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(last.reasonCode()).isEqualTo("stopped");
    }

    @Test
    void anIdleReconciliationPublishesNoSessionEventsButOneVerificationMarkerPerReList() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.gateway.sessions().create("agent:main:one", fields("label", "one"));
        this.gateway.sessions().create("agent:main:two", fields("label", "two"));
        this.ingestor = ingestor(this.gateway.url())
                .property("crewstream.ingestor.connection.reconciliation-interval", "300ms").start();

        await().until(() -> this.kafka.verifications().size() >= 2);
        var sessionEvents = this.kafka.sessionEventRecords();
        assertThat(sessionEvents).as("the initial snapshot and nothing else").allSatisfy(
                record -> assertThat(record.value()).isInstanceOf(SnapshotChunk.class));
        assertThat(KafkaOutput.completeSnapshots(sessionEvents.stream().map(record -> record.value()).toList()))
                .hasSize(1);
        long lastOffset = sessionEvents.get(sessionEvents.size() - 1).offset();
        SessionsDigest digest = SessionsDigest.of(this.kafka.foldedSessions().values());
        assertThat(this.kafka.verificationRecords()).allSatisfy(record -> {
            SessionsVerified marker = record.value();
            assertThat(record.key()).isEqualTo(CONNECTION);
            assertThat(record.partition()).isEqualTo(sessionEvents.get(0).partition());
            assertThat(marker.reason()).isEqualTo("reconciliation");
            assertThat(marker.changesPublished()).isZero();
            assertThat(marker.sessionEventsOffset()).isEqualTo(lastOffset);
            assertThat(marker.agreesWith(digest)).as("marker %s agrees with %s", marker, digest).isTrue();
        });
        assertThat(this.kafka.states()).containsExactly(UpstreamState.CONNECTING, UpstreamState.CONNECTED);
    }

    @Test
    void aReconciliationPublishesTheDifferencesItFindsThenAMarkerAfterThem() throws Exception {
        String before = "[" + scriptedRow("agent:main:kept", 1, "kept") + "," + scriptedRow("agent:main:changed", 1,
                "v1") + "," + scriptedRow("agent:main:gone", 1, "gone") + "]";
        String after = "[" + scriptedRow("agent:main:kept", 1, "kept") + "," + scriptedRow("agent:main:changed", 2,
                "v2") + "," + scriptedRow("agent:main:new", 1, "new") + "]";
        // A gateway whose sessions changed without telling: the subscription lists one table, every re-list another.
        try (ScriptedGateway scripted = ScriptedGateway.answering(request -> {
            String id = request.path("id").asString();
            String payload = switch (request.path("method").asString()) {
                case "connect" -> "{\"protocol\":4,\"auth\":{\"scopes\":[\"operator.read\"]},"
                        + "\"policy\":{\"tickIntervalMs\":30000}}";
                case "agents.list" -> "{\"agents\":[]}";
                case "sessions.subscribe" -> "{\"list\":{\"sessions\":" + before + ",\"hasMore\":false}}";
                default -> "{\"sessions\":" + after + ",\"hasMore\":false}";
            };
            return List.of("{\"type\":\"res\",\"id\":\"" + id + "\",\"ok\":true,\"payload\":" + payload + "}");
        }).start()) {
            this.ingestor = ingestor(scripted.url())
                    .property("crewstream.ingestor.connection.reconciliation-interval", "300ms").start();

            await().until(() -> this.kafka.verifications().size() >= 2);
            var records = this.kafka.sessionEventRecords();
            List<SessionEvent> changes = records.stream().map(record -> record.value())
                    .filter(event -> !(event instanceof SnapshotChunk)).toList();
            assertThat(changes).as("the differences, once").hasSize(3).allSatisfy(change ->
                    assertThat(change instanceof SessionUpserted upserted ? upserted.reason()
                            : ((SessionRemoved) change).reason()).isEqualTo("reconciliation"));
            assertThat(this.kafka.foldedSessions()).containsOnlyKeys("agent:main:kept", "agent:main:changed",
                    "agent:main:new");
            List<SessionsVerified> markers = this.kafka.verifications();
            assertThat(markers.get(0).changesPublished()).isEqualTo(3);
            assertThat(markers.get(0).sessionEventsOffset()).isEqualTo(records.get(records.size() - 1).offset());
            assertThat(markers.get(1).changesPublished()).isZero();
            SessionsDigest digest = SessionsDigest.of(this.kafka.foldedSessions().values());
            assertThat(markers).allSatisfy(marker -> assertThat(marker.agreesWith(digest)).isTrue());
        }
    }

    private static String scriptedRow(String key, long updatedAt, String label) {
        return "{\"key\":\"" + key + "\",\"kind\":\"direct\",\"label\":\"" + label + "\",\"updatedAt\":"
                + updatedAt + "}";
    }

    @Test
    void sessionsPatchedAndDeletedWhileASnapshotIsListedNeverMakeALiveSessionMissingFromIt() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        List<String> kept = new java.util.ArrayList<>();
        for (int i = 0; i < 285; i++) {
            String key = "agent:main:kept-%03d".formatted(i);
            kept.add(key);
            this.gateway.sessions().create(key, fields("label", "kept " + i));
        }
        // Created last, so they sit on the first (newest) page: deleting one shifts every later page back by one.
        List<String> doomed = new java.util.ArrayList<>();
        for (int i = 0; i < 15; i++) {
            String key = "agent:main:doomed-%02d".formatted(i);
            doomed.add(key);
            this.gateway.sessions().create(key, fields("label", "doomed " + i));
        }
        this.ingestor = ingestor(this.gateway.url()).property("crewstream.ingestor.connection.page-size", "50")
                .property("crewstream.ingestor.connection.reconciliation-interval", "50ms").start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));
        MeterRegistry meters = this.ingestor.bean(MeterRegistry.class);
        // Slow pages keep a snapshot of 6 pages being listed most of the time, so the changes below land inside one.
        this.gateway.faults().slowResponses(Duration.ofMillis(30));

        for (int round = 0; round < doomed.size(); round++) {
            long published = listings(meters);
            // The oldest rows are on the last page: a patch moves them to the first one, which may be listed already.
            this.gateway.sessions().patch(kept.get(2 * round), fields("label", "patched " + round), null);
            this.gateway.sessions().patch(kept.get(2 * round + 1), fields("label", "patched " + round), null);
            this.gateway.sessions().delete(doomed.get(round));
            await().until(() -> listings(meters) > published);
        }
        this.gateway.faults().slowResponses(Duration.ZERO);

        assertThatKafkaEqualsTheGateway();
        assertThat(listings(meters)).isGreaterThan(doomed.size());
        // A listing that missed a live session would publish its removal (a difference) or leave it out (a snapshot).
        List<String> removed = this.kafka.sessionEvents().stream().filter(SessionRemoved.class::isInstance)
                .map(event -> ((SessionRemoved) event).sessionKey()).toList();
        assertThat(removed).as("removals published").doesNotContainAnyElementsOf(kept);
        for (List<SnapshotChunk> snapshot : this.kafka.completeSnapshots()) {
            Set<String> listed = snapshot.stream().flatMap(chunk -> chunk.sessions().stream()).map(SessionRow::key)
                    .collect(java.util.stream.Collectors.toSet());
            List<String> missing = kept.stream().filter(key -> !listed.contains(key)).toList();
            assertThat(missing).as("live sessions missing from snapshot %s (%s)", snapshot.get(0).snapshotId(),
                    snapshot.get(0).reason()).isEmpty();
        }
    }

    @Test
    void aSessionTooLargeForARecordIsPublishedTrimmedInSnapshotsAndChangesAndCountedAsRejected() {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.gateway.sessions().create("agent:main:huge", fields("label", "huge", "notes", "x".repeat(60_000)));
        this.gateway.sessions().create("agent:main:small", fields("label", "small"));
        this.ingestor = ingestor(this.gateway.url()).property("crewstream.ingestor.kafka.max-record-bytes", "40000")
                .property("crewstream.ingestor.kafka.snapshot-chunk-bytes", "20000").start();
        await().until(() -> this.kafka.states().contains(UpstreamState.CONNECTED));

        this.gateway.sessions().patch("agent:main:huge", fields("label", "huge again"), null);

        await().until(() -> this.kafka.sessionEvents().stream().anyMatch(SessionUpserted.class::isInstance));
        SessionRow inSnapshot = this.kafka.completeSnapshots().get(0).stream()
                .flatMap(chunk -> chunk.sessions().stream()).filter(row -> row.key().equals("agent:main:huge"))
                .findFirst().orElseThrow();
        assertThat(inSnapshot.label()).isEqualTo("huge");
        assertThat(inSnapshot.fields().get("crewstreamTruncated").asBoolean()).isTrue();
        assertThat(inSnapshot.fields().has("notes")).isFalse();
        SessionUpserted change = this.kafka.sessionEvents().stream().filter(SessionUpserted.class::isInstance)
                .map(SessionUpserted.class::cast).findFirst().orElseThrow();
        assertThat(change.session().label()).isEqualTo("huge again");
        assertThat(change.session().fields().get("crewstreamTruncated").asBoolean()).isTrue();
        assertThat(this.kafka.foldedSessions()).containsOnlyKeys("agent:main:huge", "agent:main:small");
        assertThat(this.ingestor.bean(MeterRegistry.class)
                .counter("crewstream.ingestor.sessions.rejected", "connection", CONNECTION).count()).isEqualTo(2);
    }

    /** Listings published, as full snapshots or as differences with a marker. */
    private static long listings(MeterRegistry meters) {
        return meters.get("crewstream.ingestor.snapshot.sessions").tag("connection", CONNECTION).summary().count()
                + meters.get("crewstream.ingestor.relist.changes").tag("connection", CONNECTION).summary().count();
    }

    /**
     * A snapshot request (from the projector, whose table disagreed with a marker) for this connection is answered
     * with a full {@code table-mismatch} snapshot; a record that is not a request, or a request for another
     * ingestor's connection, changes nothing and stops nothing.
     */
    @Test
    void aSnapshotRequestIsAnsweredWithATableMismatchSnapshotAfterMalformedAndForeignOnes() throws Exception {
        startGateway(SimulatorConfig.defaults(TOKEN));
        this.gateway.sessions().create("agent:main:one", fields("label", "one"));
        this.ingestor = ingestor(this.gateway.url()).start();
        SnapshotRequestListener listener = this.ingestor.bean(SnapshotRequestListener.class);
        await().until(() -> listener.listening() && this.kafka.states().contains(UpstreamState.CONNECTED));
        String topic = new TopicNamespace(this.prefix).name(Topic.SNAPSHOT_REQUESTS);

        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, this.broker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, CONNECTION, "not json".getBytes(StandardCharsets.UTF_8)))
                    .get();
            producer.send(new ProducerRecord<>(topic, "someone-else", snapshotRequest("someone-else"))).get();
            producer.send(new ProducerRecord<>(topic, "someone-else", snapshotRequest(CONNECTION))).get();
            producer.send(new ProducerRecord<>(topic, CONNECTION, snapshotRequest(CONNECTION))).get();
        }

        String tableMismatch = SnapshotReason.TABLE_MISMATCH.wireName();
        await().until(() -> !this.kafka.completeSnapshots(tableMismatch::equals).isEmpty());
        assertThat(this.kafka.completeSnapshots(tableMismatch::equals))
                .as("one snapshot for the one valid request of an owned connection").singleElement()
                .satisfies(chunks -> assertThat(chunks.get(0).sessions()).extracting(SessionRow::key)
                        .containsExactly("agent:main:one"));
        MeterRegistry registry = this.ingestor.bean(MeterRegistry.class);
        // The records went to two partitions: the ones keyed "someone-else" may be read after the valid one.
        await().untilAsserted(() -> {
            assertThat(requestsCounted(registry, "accepted")).isEqualTo(1);
            assertThat(requestsCounted(registry, "not-owned")).isEqualTo(1);
            assertThat(requestsCounted(registry, "malformed")).as("not JSON, and a key that is not its connection")
                    .isEqualTo(2);
        });
    }

    private static byte[] snapshotRequest(String connectionId) {
        return ContractSerdes.snapshotRequests().serialize(null, SnapshotRequest.of(connectionId,
                SnapshotReason.TABLE_MISMATCH, SnapshotRequest.PROJECTOR, "table has 0 sessions; listed 1",
                System.currentTimeMillis()));
    }

    private static long requestsCounted(MeterRegistry registry, String outcome) {
        return Math.round(registry.get(SnapshotRequestListener.METRIC).tag("outcome", outcome).counter().count());
    }

    private void assertThatKafkaEqualsTheGateway() {
        await().untilAsserted(() -> {
            Map<String, SessionRow> inKafka = this.kafka.foldedSessions();
            Set<String> inGateway = Set.copyOf(this.gateway.sessions().keys());
            assertThat(inKafka.keySet()).isEqualTo(inGateway);
            for (String key : inGateway) {
                SessionRow expected = SessionRow.of(this.gateway.sessions().get(key).orElseThrow());
                assertThat(inKafka.get(key).sameContentAs(expected)).as("row %s", key).isTrue();
            }
        });
    }

    private IngestorRun.Builder ingestor(URI url) {
        return IngestorRun.builder(this.broker.bootstrapServers(), this.prefix).upstream(CONNECTION, url, TOKEN,
                this.folder);
    }

    private void startGateway(SimulatorConfig config) {
        this.gateway = new OpenClawSimulator(config);
        this.gateway.start();
    }

    static ObjectNode fields(String... namesAndValues) {
        ObjectNode node = tools.jackson.databind.json.JsonMapper.shared().createObjectNode();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            node.put(namesAndValues[i], namesAndValues[i + 1]);
        }
        return node;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Reading the topics back takes a moment per poll; reconnect scenarios finish in a few seconds. */
    static ConditionFactory await() {
        return Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250));
    }
}

package io.crewstream.ingestor.upstream;

import java.time.Duration;

import io.crewstream.ingestor.upstream.ConnectionPhase.BackingOff;
import io.crewstream.ingestor.upstream.ConnectionPhase.Live;
import io.crewstream.ingestor.upstream.ConnectionPhase.Relisting;
import io.crewstream.ingestor.upstream.UpstreamEffect.CloseSocket;
import io.crewstream.ingestor.upstream.UpstreamEffect.OpenSocket;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishAgentList;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishChange;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishRawFrame;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishRunEvent;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishSnapshot;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.KafkaOutage;
import io.crewstream.schemas.records.RunEventKind;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.UpstreamState;
import org.junit.jupiter.api.Test;

import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.agents;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.changed;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.deleted;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.errorObject;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.event;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.keyless;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.lastPage;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.row;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.runStep;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.shutdown;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.tick;
import static org.assertj.core.api.Assertions.assertThat;

/** A live connection: changes, events, liveness, the ways a link ends, Kafka's outages, the status. */
class UpstreamSessionLiveTest {

    /** No reconciliation during these tests: each speaks of one thing. */
    private final UpstreamSessionDriver driver = new UpstreamSessionDriver(
            UpstreamSessionDriver.settings(Duration.ofHours(1)));

    private UpstreamSessionDriver live() {
        return this.driver.connected(row("a", 1, "a")).clear();
    }

    // ---- changes -----------------------------------------------------------------------------------------------

    @Test
    void aKeyedChangeWithItsRowIsPublishedAsOneUpsertCarryingItsSeq() {
        live();

        this.driver.receive(changed(1, "patch", row("a", 2, "renamed")));

        assertThat(this.driver.effects(PublishChange.class)).singleElement().satisfies(change ->
                assertThat(change.event()).isInstanceOfSatisfying(SessionUpserted.class, upserted -> {
                    assertThat(upserted.session().label()).isEqualTo("renamed");
                    assertThat(upserted.upstreamSeq()).isEqualTo(1);
                    assertThat(upserted.reason()).isEqualTo("patch");
                }));
    }

    @Test
    void aKeyedDeleteIsPublishedAsOneRemoval() {
        live();

        this.driver.receive(deleted(1, "a"));

        assertThat(this.driver.effects(PublishChange.class)).singleElement()
                .satisfies(change -> assertThat(change.event()).isInstanceOf(SessionRemoved.class));
    }

    @Test
    void aKeylessChangeListsAgainAsReloadRequested() {
        live();

        this.driver.receive(keyless(1, "reload"));

        assertThat(this.driver.phase()).isInstanceOf(Relisting.class);
        assertThat(((Relisting) this.driver.phase()).load().reason()).isEqualTo(SnapshotReason.RELOAD_REQUESTED);
        assertThat(this.driver.sentMethods()).containsExactly(GatewayRequests.SESSIONS_LIST);
    }

    @Test
    void aKeyedChangeWithoutARowListsAgain() {
        live();

        this.driver.receive(event("sessions.changed", 1L, "{\"sessionKey\":\"a\",\"reason\":\"patch\"}"));

        assertThat(this.driver.phase()).isInstanceOf(Relisting.class);
        assertThat(this.driver.effects(PublishChange.class)).isEmpty();
    }

    @Test
    void aSeqGapListsAgainAndAsksForTheAgents() {
        live();
        this.driver.receive(tick(1));

        this.driver.receive(tick(4));

        assertThat(((Relisting) this.driver.phase()).load().reason()).isEqualTo(SnapshotReason.SEQ_GAP);
        assertThat(this.driver.sentMethods()).containsExactly(GatewayRequests.SESSIONS_LIST,
                GatewayRequests.AGENTS_LIST);
    }

    @Test
    void aFirstEventNumberedAboveOneIsAGap() {
        live();

        this.driver.receive(tick(2));

        assertThat(this.driver.phase()).isInstanceOf(Relisting.class);
    }

    @Test
    void aRepeatedOrLowerSeqIsIgnored() {
        live();
        this.driver.receive(changed(1, "patch", row("a", 2, "v2")));

        this.driver.receive(changed(1, "patch", row("a", 3, "v3")));

        assertThat(this.driver.effects(PublishChange.class)).hasSize(1);
        assertThat(this.driver.phase()).isInstanceOf(Live.class);
    }

    @Test
    void changesBeforeTheHandshakeAreIgnored() {
        this.driver.start();
        this.driver.opened();

        this.driver.receive(changed(1, "patch", row("a", 2, "v2")));

        assertThat(this.driver.effects(PublishChange.class)).isEmpty();
    }

    // ---- frames ------------------------------------------------------------------------------------------------

    @Test
    void everyFrameIsPublishedRawWithTokensRedacted() {
        live();

        this.driver.receive(event("health", 1L, "{\"deviceToken\":\"secret-device-token\"}"));

        assertThat(this.driver.effects(PublishRawFrame.class)).singleElement().satisfies(raw -> {
            assertThat(raw.frameType()).isEqualTo("event");
            assertThat(raw.event()).isEqualTo("health");
            assertThat(raw.seq()).isEqualTo(1);
            assertThat(raw.text()).doesNotContain("secret-device-token");
        });
    }

    @Test
    void aMalformedFrameIsRecordedCountedAndAnsweredWithAListing() {
        live();

        this.driver.receive("{\"type\":\"event\",\"event\":");

        assertThat(this.driver.effects(PublishRawFrame.class)).singleElement()
                .satisfies(raw -> assertThat(raw.frameType()).isEqualTo("malformed"));
        assertThat(((Relisting) this.driver.phase()).load().reason()).isEqualTo(SnapshotReason.MALFORMED_FRAME);
        assertThat(this.driver.counter("crewstream.ingestor.frames.bad", "connection", "gw", "kind", "malformed"))
                .isEqualTo(1);
        assertThat(this.driver.session().status().state()).isEqualTo(UpstreamState.CONNECTED);
    }

    @Test
    void anOversizedFrameIsRecordedAsPartialAndAnsweredWithAListing() {
        live();

        this.driver.feed(new UpstreamInput.OversizedFrame("{\"type\":\"event\"", 2_000_000, this.driver.now()));

        assertThat(this.driver.effects(PublishRawFrame.class)).singleElement().satisfies(raw -> {
            assertThat(raw.partial()).isTrue();
            assertThat(raw.sizeBytes()).isEqualTo(2_000_000);
        });
        assertThat(this.driver.phase()).isInstanceOf(Relisting.class);
        assertThat(this.driver.counter("crewstream.ingestor.frames.bad", "connection", "gw", "kind", "oversized"))
                .isEqualTo(1);
    }

    @Test
    void aBinaryFrameIsABadFrame() {
        live();

        this.driver.feed(new UpstreamInput.BinaryFrame(12, this.driver.now()));

        assertThat(this.driver.phase()).isInstanceOf(Relisting.class);
        assertThat(this.driver.counter("crewstream.ingestor.frames.bad", "connection", "gw", "kind", "binary"))
                .isEqualTo(1);
    }

    @Test
    void aResponseToAnUnknownRequestIsIgnored() {
        live();

        this.driver.receive(UpstreamSessionDriver.Frames.ok("999", "{}"));

        assertThat(this.driver.phase()).isInstanceOf(Live.class);
        assertThat(this.driver.effects(PublishRawFrame.class)).hasSize(1);
    }

    // ---- run activity and agents -------------------------------------------------------------------------------

    @Test
    void aRunStepIsPublishedAsItComesWithItsIdAndCounted() {
        live();

        this.driver.receive(runStep(1, "r1", "start", 1));

        assertThat(this.driver.effects(PublishRunEvent.class)).singleElement().satisfies(run -> {
            assertThat(run.event().kind()).isEqualTo(RunEventKind.RUN_STARTED);
            assertThat(run.eventId()).isEqualTo("r1/agent/1");
        });
        assertThat(this.driver.meters().get("crewstream.ingestor.run.events").tag("kind", "run-started").counter()
                .count()).isEqualTo(1);
    }

    @Test
    void aBrokenRunStepIsCountedAndNeverTouchesTheConnection() {
        live();

        this.driver.receive(event("agent", 1L, "{\"stream\":\"lifecycle\",\"data\":{\"phase\":\"start\"}}"));

        assertThat(this.driver.effects(PublishRunEvent.class)).isEmpty();
        assertThat(this.driver.counter("crewstream.ingestor.activity.malformed", "connection", "gw")).isEqualTo(1);
        assertThat(this.driver.phase()).isInstanceOf(Live.class);
    }

    @Test
    void theAgentListIsPublishedAfterTheHandshake() {
        this.driver.connected();

        assertThat(this.driver.effects(PublishAgentList.class)).hasSize(1);
        assertThat(this.driver.session().agentListProblem()).isNull();
    }

    @Test
    void configChangedListsTheAgentsAgainAndAChangeDuringAListingOnceMoreAfterIt() {
        live();
        this.driver.receive(event("config.changed", 1L, "{}"));
        this.driver.receive(event("config.changed", 2L, "{}"));
        this.driver.receive(event("config.changed", 3L, "{}"));
        assertThat(this.driver.sentMethods()).containsExactly(GatewayRequests.AGENTS_LIST);

        this.driver.answer(GatewayRequests.AGENTS_LIST, agents("main"));

        assertThat(this.driver.sentMethods()).containsExactly(GatewayRequests.AGENTS_LIST,
                GatewayRequests.AGENTS_LIST);
        assertThat(this.driver.effects(PublishAgentList.class)).hasSize(1);
    }

    @Test
    void aFailingAgentListIsReportedAndLeavesTheConnectionAlone() {
        live();
        this.driver.receive(event("config.changed", 1L, "{}"));

        this.driver.fail(GatewayRequests.AGENTS_LIST, errorObject("FORBIDDEN", null, null));

        assertThat(this.driver.session().agentListProblem()).startsWith("agents.list failed: FORBIDDEN");
        assertThat(this.driver.counter("crewstream.ingestor.agents.list.failures", "connection", "gw")).isEqualTo(1);
        assertThat(this.driver.phase()).isInstanceOf(Live.class);
    }

    @Test
    void anUnansweredAgentListIsOnlyReported() {
        live();
        this.driver.receive(event("config.changed", 1L, "{}"));
        this.driver.receive(tick(2));

        this.driver.advance(Duration.ofSeconds(30));

        assertThat(this.driver.session().agentListProblem()).isEqualTo("agents.list unanswered after 30000 ms");
        assertThat(this.driver.phase()).isInstanceOf(Live.class);
    }

    // ---- liveness and the end of a link ------------------------------------------------------------------------

    @Test
    void noFrameForTwoTickIntervalsClosesWith4000AsTickTimeout() {
        live();

        this.driver.advance(Duration.ofMillis(2 * UpstreamSessionDriver.TICK_MS + 20_000));

        assertThat(this.driver.effects(CloseSocket.class)).containsExactly(new CloseSocket(4000, "tick timeout"));
        ConnectionStatusEvent timeout = this.driver.statuses().stream()
                .filter(status -> "tick_timeout".equals(status.reasonCode())).findFirst().orElseThrow();
        assertThat(timeout.state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(timeout.reason()).contains("tick interval 60000 ms");
    }

    @Test
    void ticksKeepTheLinkAlive() {
        live();

        for (int i = 1; i <= 10; i++) {
            this.driver.advance(Duration.ofMillis(UpstreamSessionDriver.TICK_MS));
            this.driver.receive(tick(i));
        }

        assertThat(this.driver.effects(CloseSocket.class)).isEmpty();
    }

    @Test
    void afterATickTimeoutTheNextLinkIsAwaitingTickUntilTheGatewayTicks() {
        live();
        this.driver.advance(Duration.ofMillis(2 * UpstreamSessionDriver.TICK_MS + 20_000));
        this.driver.advance(Duration.ofSeconds(1));

        this.driver.handshake();
        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTING);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("awaiting_tick");

        this.driver.receive(tick(1));
        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTED);
    }

    @Test
    void aShutdownWithARestartTimeIsReconnectedThatLate() {
        live();
        this.driver.receive(shutdown(1, 800L));

        this.driver.closedByGateway(1012, "service restart");

        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("shutdown");
        assertThat(this.driver.lastStatus().reason()).contains("restart expected in 800 ms");
        assertThat(this.driver.timers()).containsEntry(SessionTimer.RECONNECT, this.driver.now() + 800);
    }

    @Test
    void aShutdownWithoutARestartTimeIsReconnectedWithBackoff() {
        live();
        this.driver.receive(shutdown(1, null));

        this.driver.closedByGateway(1001, "");

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(this.driver.lastStatus().reason()).isEqualTo("gateway shut down: restart");
    }

    @Test
    void close1013IsAGatewayStillStarting() {
        live();

        this.driver.closedByGateway(1013, "starting");

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTING);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("gateway_starting");
        assertThat(this.driver.lastStatus().reason()).isEqualTo("gateway starting (close 1013 \"starting\")");
    }

    @Test
    void anyOtherCloseIsDisconnectedNamingTheCode() {
        live();

        this.driver.closedByGateway(1006, "");

        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("closed");
        assertThat(this.driver.lastStatus().reason()).isEqualTo("closed by the gateway with code 1006");
        assertThat(this.driver.phase()).isInstanceOf(BackingOff.class);
    }

    @Test
    void aFailedSocketIsAnIoError() {
        live();

        this.driver.feed(new UpstreamInput.SocketFailed(new java.io.IOException("reset")));

        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("io_error");
        assertThat(this.driver.lastStatus().reason()).isEqualTo("connection failed: IOException: reset");
    }

    @Test
    void anUnansweredListDropsTheConnectionAsRequestTimeout() {
        live();
        this.driver.receive(keyless(1, "reload"));
        this.driver.receive(tick(2));

        this.driver.advance(Duration.ofSeconds(30));

        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("request_timeout");
        assertThat(this.driver.lastStatus().reason()).isEqualTo("sessions.list unanswered after 30000 ms");
    }

    @Test
    void aReconnectAfterTheBackoffOpensANewSocket() {
        live();
        this.driver.closedByGateway(1006, "");

        this.driver.advance(Duration.ofSeconds(1));

        assertThat(this.driver.effects(OpenSocket.class)).hasSize(1);
    }

    @Test
    void anInternalFailureDropsTheLinkAndReconnects() {
        live();

        this.driver.feed(new UpstreamInput.InternalFailure(new IllegalStateException("bug")));

        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("internal_error");
        assertThat(this.driver.lastStatus().reason()).isEqualTo("internal error: IllegalStateException: bug");
        assertThat(this.driver.timers()).containsKey(SessionTimer.RECONNECT);
    }

    // ---- Kafka, requests, status -------------------------------------------------------------------------------

    @Test
    void kafkaRecoveringRestatesTheStatusWithTheOutageAndListsAgainInFull() {
        live();
        KafkaOutage outage = new KafkaOutage(1L, 2L, 3L);

        this.driver.feed(new UpstreamInput.PublishRecovered(outage));

        assertThat(this.driver.lastStatus().kafkaOutage()).isEqualTo(outage);
        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTED);
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("a", 1, "a")));
        assertThat(this.driver.effects(PublishSnapshot.class)).extracting(PublishSnapshot::reason)
                .containsExactly(SnapshotReason.PUBLISH_RECOVERED);
    }

    @Test
    void kafkaRecoveringBeforeTheHandshakeOnlyRestatesTheStatus() {
        this.driver.start();

        this.driver.feed(new UpstreamInput.PublishRecovered(new KafkaOutage(1L, 2L, 3L)));

        assertThat(this.driver.lastStatus().kafkaOutage()).isNotNull();
        assertThat(this.driver.sentMethods()).isEmpty();
    }

    @Test
    void theStatusIsRestatedEveryStatusIntervalWithTheSameSinceAndTheLatestFrameTime() {
        live();
        this.driver.advance(Duration.ofSeconds(3));
        this.driver.receive(tick(1));

        this.driver.advance(Duration.ofSeconds(7));

        assertThat(this.driver.statuses()).hasSize(2).allSatisfy(status -> {
            assertThat(status.state()).isEqualTo(UpstreamState.CONNECTED);
            assertThat(status.statusIntervalMs()).isEqualTo(5_000);
            assertThat(status.since()).isEqualTo(UpstreamSessionDriver.START);
        });
        assertThat(this.driver.lastStatus().lastTickAt()).isEqualTo(UpstreamSessionDriver.START + 3_000);
    }
}

package io.crewstream.ingestor.upstream;

import java.net.ConnectException;
import java.time.Duration;
import java.util.List;

import io.crewstream.ingestor.upstream.ConnectionPhase.AwaitingChallenge;
import io.crewstream.ingestor.upstream.ConnectionPhase.BackingOff;
import io.crewstream.ingestor.upstream.ConnectionPhase.Connecting;
import io.crewstream.ingestor.upstream.ConnectionPhase.Live;
import io.crewstream.ingestor.upstream.ConnectionPhase.Snapshotting;
import io.crewstream.ingestor.upstream.ConnectionPhase.Stopped;
import io.crewstream.ingestor.upstream.UpstreamEffect.CloseSocket;
import io.crewstream.ingestor.upstream.UpstreamEffect.LimitFrameSize;
import io.crewstream.ingestor.upstream.UpstreamEffect.OpenSocket;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishSnapshot;
import io.crewstream.ingestor.upstream.UpstreamEffect.SendFrame;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.UpstreamState;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.challenge;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.errorObject;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.helloOk;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.subscribed;
import static org.assertj.core.api.Assertions.assertThat;

/** Connecting and the handshake: what the session sends, what it checks in {@code hello-ok}, how it gives up. */
class UpstreamSessionHandshakeTest {

    private final UpstreamSessionDriver driver = new UpstreamSessionDriver();

    @Test
    void startReportsConnectingAndOpensASocket() {
        List<UpstreamEffect> effects = this.driver.start();

        assertThat(effects).hasAtLeastOneElementOfType(OpenSocket.class);
        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTING);
        assertThat(this.driver.lastStatus().reason()).isEqualTo("connecting to ws://127.0.0.1:18789");
        assertThat(this.driver.phase()).isInstanceOf(Connecting.class);
    }

    @Test
    void connectIsSentOnTheChallengeWithTheTokenAndTheReadScope() {
        this.driver.start();
        this.driver.opened();
        assertThat(this.driver.phase()).isInstanceOf(AwaitingChallenge.class);
        assertThat(this.driver.sentMethods()).as("nothing before the challenge").isEmpty();

        this.driver.receive(challenge());

        JsonNode connect = this.driver.lastRequest(GatewayRequests.CONNECT);
        assertThat(connect.path("params").path("auth").path("token").asString())
                .isEqualTo(UpstreamSessionDriver.TOKEN);
        assertThat(connect.path("params").path("scopes").get(0).asString()).isEqualTo("operator.read");
        assertThat(connect.path("params").path("minProtocol").asInt()).isEqualTo(4);
    }

    @Test
    void aSendFrameNeverShowsItsTextSoTheTokenStaysOutOfLogs() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());

        SendFrame connect = this.driver.effects(SendFrame.class).get(0);
        assertThat(connect.text()).contains(UpstreamSessionDriver.TOKEN);
        assertThat(connect.toString()).doesNotContain(UpstreamSessionDriver.TOKEN);
    }

    @Test
    void aRepeatedChallengeIsIgnored() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());
        this.driver.receive(challenge());

        assertThat(this.driver.sentMethods()).containsExactly(GatewayRequests.CONNECT);
    }

    @Test
    void helloOkSubscribesListsTheAgentsAndTakesTheGatewaysFrameSizeLimit() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());
        this.driver.answer(GatewayRequests.CONNECT, helloOk(30_000));

        assertThat(this.driver.sentMethods()).containsExactly(GatewayRequests.CONNECT,
                GatewayRequests.SESSIONS_SUBSCRIBE, GatewayRequests.AGENTS_LIST);
        assertThat(this.driver.effects(LimitFrameSize.class)).containsExactly(new LimitFrameSize(1_048_576));
        assertThat(this.driver.phase()).isInstanceOf(Snapshotting.class);
        assertThat(this.driver.lastStatus().state()).as("not connected before the snapshot is out")
                .isEqualTo(UpstreamState.CONNECTING);
    }

    @Test
    void connectedIsReportedOnlyOnceTheInitialSnapshotIsPublished() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());
        this.driver.answer(GatewayRequests.CONNECT, helloOk(30_000));
        this.driver.clear();

        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, subscribed());

        List<UpstreamEffect> effects = this.driver.effects();
        int snapshot = indexOf(effects, PublishSnapshot.class);
        int connected = indexOf(effects, UpstreamEffect.PublishStatus.class);
        assertThat(snapshot).isLessThan(connected);
        assertThat(this.driver.effects(PublishSnapshot.class).get(0).reason()).isEqualTo(SnapshotReason.INITIAL);
        ConnectionStatusEvent status = this.driver.lastStatus();
        assertThat(status.state()).isEqualTo(UpstreamState.CONNECTED);
        assertThat(status.gatewayVersion()).isEqualTo("2026.9.6");
        assertThat(this.driver.phase()).isInstanceOf(Live.class);
    }

    @Test
    void anotherProtocolVersionIsRefusedAsProtocolMismatch() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());

        this.driver.answer(GatewayRequests.CONNECT, "{\"protocol\":3,\"auth\":{\"scopes\":[\"operator.read\"]}}");

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("protocol_mismatch");
        assertThat(this.driver.lastStatus().reason()).contains("protocol 3");
        assertThat(this.driver.effects(CloseSocket.class)).hasSize(1);
        assertThat(this.driver.phase()).isInstanceOf(BackingOff.class);
    }

    @Test
    void helloWithoutTheReadScopeIsAuthFailedWithInsufficientScopeRetriedAfterTheAuthRetryInterval() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());

        this.driver.answer(GatewayRequests.CONNECT, "{\"protocol\":4,\"auth\":{\"scopes\":[]}}");

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.AUTH_FAILED);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("insufficient_scope");
        assertThat(this.driver.timers()).containsEntry(SessionTimer.RECONNECT, this.driver.now() + 60_000);
    }

    @Test
    void aRejectedTokenIsAuthFailedWithTheGatewaysMostSpecificCode() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());

        this.driver.fail(GatewayRequests.CONNECT, errorObject("INVALID_REQUEST", "AUTH_TOKEN_MISMATCH", null));

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.AUTH_FAILED);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("AUTH_TOKEN_MISMATCH");
        assertThat(this.driver.timers()).containsEntry(SessionTimer.RECONNECT, this.driver.now() + 60_000);
    }

    @Test
    void anAuthRejectionAskingForALongerWaitThanTheAuthRetryIntervalIsRetriedThatLate() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());

        this.driver.fail(GatewayRequests.CONNECT, errorObject("INVALID_REQUEST", "AUTH_RATE_LIMITED", 90_000L));

        assertThat(this.driver.timers()).containsEntry(SessionTimer.RECONNECT, this.driver.now() + 90_000);
    }

    @Test
    void aGatewayNotReadyYetIsConnectingAndRetriedWhenItSays() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());

        this.driver.fail(GatewayRequests.CONNECT, errorObject("UNAVAILABLE", null, 2_500L));

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTING);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("UNAVAILABLE");
        assertThat(this.driver.lastStatus().reason()).contains("not ready");
        assertThat(this.driver.timers()).containsEntry(SessionTimer.RECONNECT, this.driver.now() + 2_500);
    }

    @Test
    void anyOtherRejectionOfConnectIsDisconnectedWithTheGatewaysCode() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());

        this.driver.fail(GatewayRequests.CONNECT, errorObject("INVALID_REQUEST", null, null));

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("INVALID_REQUEST");
    }

    @Test
    void aRefusedConnectionIsUnreachableAndRetriedWithBackoff() {
        this.driver.start();

        this.driver.feed(new UpstreamInput.OpenFailed(new ConnectException("Connection refused")));

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.UNREACHABLE);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("connection_refused");
        assertThat(this.driver.lastStatus().reason()).isEqualTo("connection refused by ws://127.0.0.1:18789");
        assertThat(this.driver.timers()).containsEntry(SessionTimer.RECONNECT, this.driver.now() + 1_000);
    }

    @Test
    void backoffDoublesPerFailedAttemptAndTheSameFailureIsReportedOnce() {
        this.driver.start();
        this.driver.feed(new UpstreamInput.OpenFailed(new ConnectException("Connection refused")));
        this.driver.advance(Duration.ofSeconds(1));
        assertThat(this.driver.effects(OpenSocket.class)).as("retried after 1 s").hasSize(2);

        this.driver.feed(new UpstreamInput.OpenFailed(new ConnectException("Connection refused")));

        assertThat(this.driver.timers()).containsEntry(SessionTimer.RECONNECT, this.driver.now() + 2_000);
        assertThat(this.driver.statuses()).extracting(ConnectionStatusEvent::state)
                .containsExactly(UpstreamState.CONNECTING, UpstreamState.UNREACHABLE);
        assertThat(this.driver.counter("crewstream.ingestor.reconnects", "connection", "gw")).isEqualTo(1);
    }

    @Test
    void aBadFrameDuringTheHandshakeDropsTheConnection() {
        this.driver.start();
        this.driver.opened();

        this.driver.receive("{not json");

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("malformed_frame");
        assertThat(this.driver.effects(CloseSocket.class)).hasSize(1);
    }

    @Test
    void anUnansweredConnectDropsTheConnectionAsRequestTimeout() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());

        this.driver.advance(Duration.ofSeconds(30));

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("request_timeout");
        assertThat(this.driver.lastStatus().reason()).isEqualTo("connect unanswered after 30000 ms");
    }

    @Test
    void theReconnectSnapshotAfterALostLinkIsAReconnectOne() {
        this.driver.connected();
        this.driver.closedByGateway(1006, "");
        this.driver.advance(Duration.ofSeconds(1));
        this.driver.clear();

        this.driver.handshake();

        assertThat(this.driver.effects(PublishSnapshot.class)).singleElement()
                .satisfies(snapshot -> assertThat(snapshot.reason()).isEqualTo(SnapshotReason.RECONNECT));
        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTED);
    }

    @Test
    void stopClosesTheSocketAndReportsStoppedPromisingNoMoreStatuses() {
        this.driver.connected();

        this.driver.stop();

        assertThat(this.driver.effects(CloseSocket.class)).containsExactly(new CloseSocket(1000,
                "ingestor stopping"));
        ConnectionStatusEvent last = this.driver.lastStatus();
        assertThat(last.state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(last.reasonCode()).isEqualTo("stopped");
        assertThat(last.statusIntervalMs()).isNull();
        assertThat(this.driver.timers()).isEmpty();
        assertThat(this.driver.phase()).isInstanceOf(Stopped.class);
    }

    @Test
    void aHandoverClosesTheSocketAndReportsConnectingHandedOverSoThatReadersKeepTheRuns() {
        this.driver.connected();

        this.driver.feed(new UpstreamInput.Stop(StopMode.HANDOVER));

        assertThat(this.driver.effects(CloseSocket.class)).hasSize(1);
        ConnectionStatusEvent last = this.driver.lastStatus();
        assertThat(last.state()).isEqualTo(UpstreamState.CONNECTING);
        assertThat(last.reasonCode()).isEqualTo("handed_over");
        assertThat(last.statusIntervalMs()).as("this instance restates it no more").isNull();
        assertThat(this.driver.timers()).isEmpty();
        assertThat(this.driver.phase()).isInstanceOf(Stopped.class);
    }

    @Test
    void aSilentStopClosesTheSocketAndPublishesNothingButKeepsTheStateForHealth() {
        this.driver.connected();
        this.driver.clear();

        List<UpstreamEffect> effects = this.driver.feed(new UpstreamInput.Stop(StopMode.SILENT));

        assertThat(effects).filteredOn(effect -> effect.getClass().getSimpleName().startsWith("Publish"))
                .as("an instance that lost the gateway writes nothing for it").isEmpty();
        assertThat(this.driver.effects(CloseSocket.class)).hasSize(1);
        assertThat(this.driver.session().status().state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(this.driver.timers()).isEmpty();
    }

    @Test
    void aStoppedSessionConnectsAgainWhenStarted() {
        this.driver.connected();
        this.driver.stop();
        this.driver.clear();

        this.driver.start();

        assertThat(this.driver.effects(OpenSocket.class)).hasSize(1);
        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTING);
    }

    private static int indexOf(List<UpstreamEffect> effects, Class<?> type) {
        for (int i = 0; i < effects.size(); i++) {
            if (type.isInstance(effects.get(i))) {
                return i;
            }
        }
        return -1;
    }
}

package io.crewstream.ingestor.upstream;

import java.time.Duration;
import java.util.List;

import io.crewstream.ingestor.upstream.ConnectionPhase.Live;
import io.crewstream.ingestor.upstream.ConnectionPhase.Relisting;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishChange;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishRunEvent;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishSessionsVerified;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishSnapshot;
import io.crewstream.schemas.records.RunEventKind;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.UpstreamState;
import org.junit.jupiter.api.Test;

import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.challenge;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.changed;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.deleted;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.errorObject;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.helloOk;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.lastPage;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.page;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.row;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.runStep;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.tick;
import static org.assertj.core.api.Assertions.assertThat;

/** Listing the sessions page by page into one snapshot, and what arrives while it is listed. */
class UpstreamSessionListingTest {

    private final UpstreamSessionDriver driver = new UpstreamSessionDriver();

    private void subscribing() {
        this.driver.start();
        this.driver.opened();
        this.driver.receive(challenge());
        this.driver.answer(GatewayRequests.CONNECT, helloOk(30_000));
        this.driver.answer(GatewayRequests.AGENTS_LIST, UpstreamSessionDriver.Frames.agents());
    }

    @Test
    void pagesAreListedFromEachNextOffsetAndPublishedAsOneSnapshot() {
        subscribing();
        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, "{\"list\":" + page(true, 2L, row("a", 1, "a"),
                row("b", 1, "b")) + "}");
        assertThat(this.driver.lastRequest(GatewayRequests.SESSIONS_LIST).path("params").path("offset").asLong())
                .isEqualTo(2);

        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("c", 1, "c")));

        assertThat(this.driver.effects(PublishSnapshot.class)).singleElement().satisfies(snapshot ->
                assertThat(snapshot.sessions()).extracting(SessionRow::key).containsExactly("a", "b", "c"));
    }

    @Test
    void aSubscribeWithoutTheFirstPageIsFollowedByAListFromTheStart() {
        subscribing();

        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, "{\"subscribed\":true}");

        assertThat(this.driver.lastRequest(GatewayRequests.SESSIONS_LIST).path("params").has("offset")).isFalse();
    }

    @Test
    void pagingThatDoesNotAdvanceDropsTheConnectionAsMalformedResult() {
        subscribing();
        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, "{\"list\":" + page(true, 2L, row("a", 1, "a")) + "}");

        this.driver.answer(GatewayRequests.SESSIONS_LIST, page(true, 2L, row("b", 1, "b")));

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.DISCONNECTED);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("malformed_result");
        assertThat(this.driver.effects(PublishSnapshot.class)).as("a half listing is never published").isEmpty();
    }

    @Test
    void aListResultWithoutSessionsDropsTheConnectionAsMalformedResult() {
        subscribing();

        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, "{\"list\":{\"rows\":[]}}");

        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("malformed_result");
    }

    @Test
    void rowsWithoutAKeyAreLeftOutAndCounted() {
        subscribing();

        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, "{\"list\":{\"sessions\":[{\"label\":\"no key\"},"
                + row("a", 1, "a") + "],\"hasMore\":false}}");

        assertThat(this.driver.effects(PublishSnapshot.class).get(0).sessions()).extracting(SessionRow::key)
                .containsExactly("a");
        assertThat(this.driver.counter("crewstream.ingestor.sessions.rejected", "connection", "gw")).isEqualTo(1);
    }

    @Test
    void aListRefusedForLackOfRightsIsAuthFailed() {
        subscribing();

        this.driver.fail(GatewayRequests.SESSIONS_SUBSCRIBE, errorObject("FORBIDDEN", null, null));

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.AUTH_FAILED);
        assertThat(this.driver.lastStatus().reason()).startsWith("sessions.subscribe failed: FORBIDDEN");
    }

    @Test
    void changesHeldBackDuringTheListingAreMergedIntoTheSnapshotAndNotReplayedAfterIt() {
        subscribing();
        this.driver.receive(changed(1, "patch", row("a", 5, "a v2")));
        this.driver.receive(changed(2, "create", row("new", 6, "new")));

        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, "{\"list\":" + lastPage(row("a", 1, "a v1"),
                row("b", 1, "b")) + "}");

        assertThat(this.driver.effects(PublishSnapshot.class).get(0).sessions())
                .extracting(SessionRow::key, SessionRow::label)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("a", "a v2"),
                        org.assertj.core.groups.Tuple.tuple("b", "b"), org.assertj.core.groups.Tuple.tuple("new",
                                "new"));
        assertThat(this.driver.effects(PublishChange.class)).isEmpty();
    }

    @Test
    void aRemovalDuringAListingOfSeveralPagesListsAgainFromTheStart() {
        subscribing();
        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, "{\"list\":" + page(true, 1L, row("a", 1, "a")) + "}");
        this.driver.receive(deleted(1, "a"));
        this.driver.clear();

        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("c", 1, "c")));

        assertThat(this.driver.effects(PublishSnapshot.class)).isEmpty();
        assertThat(this.driver.lastRequest(GatewayRequests.SESSIONS_LIST).path("params").has("offset")).isFalse();
        this.driver.answer(GatewayRequests.SESSIONS_LIST, page(true, 1L, row("b", 1, "b")));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("c", 1, "c")));
        assertThat(this.driver.effects(PublishSnapshot.class).get(0).sessions()).extracting(SessionRow::key)
                .containsExactly("b", "c");
    }

    @Test
    void aListingKeptBusyByRemovalsIsPublishedAfterThreeTries() {
        subscribing();
        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, "{\"list\":" + page(true, 1L, row("a", 1, "a")) + "}");
        for (int listing = 1; listing <= 3; listing++) {
            this.driver.receive(deleted(listing, "gone-" + listing));
            if (listing > 1) {
                this.driver.answer(GatewayRequests.SESSIONS_LIST, page(true, 1L, row("a", 1, "a")));
            }
            this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("c", 1, "c")));
        }

        assertThat(this.driver.effects(PublishSnapshot.class)).hasSize(1);
    }

    @Test
    void reasonsArrivingDuringAListingAskForExactlyOneMoreAfterItForTheFirstReason() {
        this.driver.connected();
        this.driver.advance(Duration.ofSeconds(60));
        assertThat(this.driver.phase()).isInstanceOf(Relisting.class);
        this.driver.receive(UpstreamSessionDriver.Frames.keyless(1, "reload"));
        this.driver.receive("{not json");
        this.driver.clear();

        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage());

        assertThat(this.driver.effects(PublishSessionsVerified.class)).extracting(PublishSessionsVerified::reason)
                .containsExactly(SnapshotReason.RECONCILIATION);
        assertThat(((Relisting) this.driver.phase()).load().reason()).as("the first reason asked for")
                .isEqualTo(SnapshotReason.RELOAD_REQUESTED);
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage());
        assertThat(this.driver.phase()).isInstanceOf(Live.class);
    }

    @Test
    void aReasonNeedingAFullSnapshotDuringAListingOfDifferencesIsNotLostBehindAnEarlierOne() {
        this.driver.connected();
        this.driver.advance(Duration.ofSeconds(60));
        this.driver.receive(UpstreamSessionDriver.Frames.keyless(1, "reload"));

        this.driver.receive(tick(3));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage());

        assertThat(((Relisting) this.driver.phase()).load().reason()).isEqualTo(SnapshotReason.SEQ_GAP);
    }

    @Test
    void aReasonNeedingAFullSnapshotSurvivesAListingStartedOverForSkippedRows() {
        this.driver.connected();
        this.driver.advance(Duration.ofSeconds(60));
        this.driver.feed(new UpstreamInput.PublishRecovered(new io.crewstream.schemas.records.KafkaOutage(1L, 2L,
                3L)));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, page(true, 1L, row("a", 1, "a")));
        this.driver.receive(deleted(1, "a"));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("c", 1, "c")));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("c", 1, "c")));
        this.driver.clear();

        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("c", 1, "c")));

        assertThat(this.driver.effects(PublishSnapshot.class)).extracting(PublishSnapshot::reason)
                .containsExactly(SnapshotReason.PUBLISH_RECOVERED);
    }

    @Test
    void aRunThatEndedDuringTheListingGoesBeforeTheSnapshotAndOneStillRunningAfterIt() {
        subscribing();
        this.driver.receive(runStep(1, "ended", "start", 1));
        this.driver.receive(runStep(2, "running", "start", 1));
        this.driver.receive(runStep(3, "ended", "end", 2));
        assertThat(this.driver.effects(PublishRunEvent.class)).as("held while listing").isEmpty();

        this.driver.answer(GatewayRequests.SESSIONS_SUBSCRIBE, "{\"list\":" + lastPage() + "}");

        List<String> order = this.driver.effects().stream()
                .filter(effect -> effect instanceof PublishRunEvent || effect instanceof PublishSnapshot)
                .map(effect -> effect instanceof PublishRunEvent run
                        ? run.event().runId() + "/" + run.event().kind().wireName() : "snapshot")
                .toList();
        assertThat(order).containsExactly("ended/run-started", "ended/run-ended", "snapshot", "running/run-started");
        assertThat(this.driver.effects(PublishRunEvent.class)).extracting(run -> run.event().kind())
                .contains(RunEventKind.RUN_ENDED);
    }

    @Test
    void runStepsHeldWhenTheLinkIsLostArePublishedInArrivalOrder() {
        subscribing();
        this.driver.receive(runStep(1, "r1", "start", 1));

        this.driver.closedByGateway(1006, "");

        assertThat(this.driver.effects(PublishRunEvent.class)).extracting(run -> run.event().runId())
                .containsExactly("r1");
    }

    @Test
    void aReSnapshotSlowerThanSnapshotOverdueIsReportedConnectingUntilPublished() {
        this.driver.connected();
        this.driver.advance(Duration.ofSeconds(60));

        this.driver.advance(Duration.ofSeconds(5));

        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTING);
        assertThat(this.driver.lastStatus().reasonCode()).isEqualTo("snapshot_overdue");
        assertThat(this.driver.lastStatus().reason()).contains("reconciliation").contains("held back");
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage());
        assertThat(this.driver.lastStatus().state()).isEqualTo(UpstreamState.CONNECTED);
    }
}

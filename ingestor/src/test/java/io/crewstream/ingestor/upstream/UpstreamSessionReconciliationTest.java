package io.crewstream.ingestor.upstream;

import java.time.Duration;
import java.util.List;

import io.crewstream.ingestor.upstream.ConnectionPhase.Live;
import io.crewstream.ingestor.upstream.ConnectionPhase.Relisting;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishChange;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishRawFrame;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishSessionsVerified;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishSnapshot;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.SnapshotRequest;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.changed;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.deleted;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.keyless;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.lastPage;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.row;
import static io.crewstream.ingestor.upstream.UpstreamSessionDriver.Frames.tick;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A re-list that need not be a full snapshot publishes only what differs from what was last published, then a
 * verification marker; full snapshots stay for (re)connects, seq gaps, Kafka recoveries and the projector's requests.
 */
class UpstreamSessionReconciliationTest {

    private final UpstreamSessionDriver driver = new UpstreamSessionDriver();

    private void reconcile(ObjectNode... listed) {
        this.driver.advance(Duration.ofSeconds(60));
        assertThat(this.driver.phase()).isInstanceOf(Relisting.class);
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(listed));
    }

    private List<SessionEvent> changes() {
        return this.driver.effects(PublishChange.class).stream().map(PublishChange::event).toList();
    }

    private static SessionsDigest digestOf(ObjectNode... rows) {
        return SessionsDigest.of(java.util.Arrays.stream(rows).map(SessionRow::of).toList());
    }

    @Test
    void anIdleReconciliationPublishesNoChangeAndOneMarkerWithTheCountAndDigestOfWhatWasPublished() {
        this.driver.connected(row("a", 1, "a"), row("b", 2, "b")).clear();

        reconcile(row("b", 2, "b"), row("a", 1, "a"));

        assertThat(changes()).isEmpty();
        assertThat(this.driver.effects(PublishSnapshot.class)).isEmpty();
        assertThat(this.driver.effects(PublishSessionsVerified.class)).singleElement().satisfies(marker -> {
            assertThat(marker.reason()).isEqualTo(SnapshotReason.RECONCILIATION);
            assertThat(marker.sessionCount()).isEqualTo(2);
            assertThat(marker.digest()).isEqualTo(digestOf(row("a", 1, "a"), row("b", 2, "b")).value());
            assertThat(marker.changesPublished()).isZero();
            assertThat(marker.listedFrom()).isEqualTo(UpstreamSessionDriver.START + 60_000);
        });
        assertThat(this.driver.phase()).isInstanceOf(Live.class);
    }

    @Test
    void theRawFramesOfADifferencesOnlyReListKeepOnlyTheHeadOfEachPageWhileAFullSnapshotKeepsItsPagesWhole() {
        ObjectNode[] many = java.util.stream.IntStream.range(0, 40).mapToObj(i -> row("s" + i, i, "label " + i))
                .toArray(ObjectNode[]::new);
        this.driver.connected(many).clear();

        reconcile(many);
        assertThat(this.driver.effects(PublishRawFrame.class)).filteredOn(raw -> raw.frameType().equals("res"))
                .singleElement().satisfies(page -> {
                    assertThat(page.partial()).isTrue();
                    assertThat(page.text()).hasSize(UpstreamSession.RELIST_PAGE_HEAD_CHARS);
                    assertThat(page.sizeBytes()).isGreaterThan(UpstreamSession.RELIST_PAGE_HEAD_CHARS);
                });
        this.driver.clear();

        this.driver.feed(new UpstreamInput.SnapshotRequested(SnapshotRequest.of("gw", SnapshotReason.TABLE_MISMATCH,
                SnapshotRequest.PROJECTOR, "digest differs", this.driver.now())));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(many));
        assertThat(this.driver.effects(PublishSnapshot.class)).hasSize(1);
        assertThat(this.driver.effects(PublishRawFrame.class)).filteredOn(raw -> raw.frameType().equals("res"))
                .singleElement().satisfies(page -> assertThat(page.partial()).isFalse());
    }

    @Test
    void aSessionThatChangedUnseenIsPublishedAsAnUpsertWithTheReListsReasonAndNoSeq() {
        this.driver.connected(row("a", 1, "a")).clear();

        reconcile(row("a", 2, "renamed"));

        assertThat(changes()).singleElement().isInstanceOfSatisfying(SessionUpserted.class, upserted -> {
            assertThat(upserted.session().label()).isEqualTo("renamed");
            assertThat(upserted.reason()).isEqualTo("reconciliation");
            assertThat(upserted.upstreamSeq()).isNull();
        });
        assertThat(this.driver.effects(PublishSessionsVerified.class).get(0).changesPublished()).isEqualTo(1);
    }

    @Test
    void aSessionNoLongerListedIsPublishedAsARemovalAndANewOneAsAnUpsert() {
        this.driver.connected(row("gone", 1, "gone")).clear();

        reconcile(row("new", 2, "new"));

        assertThat(changes()).extracting(SessionEvent::getClass).containsExactly(SessionUpserted.class,
                SessionRemoved.class);
        assertThat(((SessionRemoved) changes().get(1)).sessionKey()).isEqualTo("gone");
        PublishSessionsVerified marker = this.driver.effects(PublishSessionsVerified.class).get(0);
        assertThat(marker.sessionCount()).isEqualTo(1);
        assertThat(marker.digest()).isEqualTo(digestOf(row("new", 2, "new")).value());
    }

    @Test
    void theMarkerComesAfterTheChangesItAccountsFor() {
        this.driver.connected(row("a", 1, "a")).clear();

        reconcile(row("a", 2, "renamed"));

        List<UpstreamEffect> effects = this.driver.effects();
        assertThat(effects.indexOf(this.driver.effects(PublishChange.class).get(0)))
                .isLessThan(effects.indexOf(this.driver.effects(PublishSessionsVerified.class).get(0)));
    }

    @Test
    void aRowDifferingOnlyInVolatileFieldsIsNotPublishedAgain() {
        this.driver.connected(row("a", 1, "a").put("ts", 100)).clear();

        reconcile(row("a", 1, "a").put("ts", 200));

        assertThat(changes()).isEmpty();
    }

    @Test
    void changesPublishedAsTheyCameAreNotPublishedAgainByTheReconciliation() {
        this.driver.connected(row("a", 1, "a")).clear();
        this.driver.receive(changed(1, "patch", row("a", 2, "a v2")));
        this.driver.receive(changed(2, "create", row("b", 3, "b")));
        this.driver.receive(deleted(3, "a"));
        this.driver.receive(tick(4));
        this.driver.clear();

        reconcile(row("b", 3, "b"));

        assertThat(changes()).isEmpty();
        assertThat(this.driver.effects(PublishSessionsVerified.class).get(0).sessionCount()).isEqualTo(1);
    }

    @Test
    void changesHeldDuringTheListingAreFoldedIntoTheDifferencesAndTheMarker() {
        this.driver.connected(row("a", 1, "a")).clear();
        this.driver.advance(Duration.ofSeconds(60));
        this.driver.receive(changed(1, "patch", row("a", 5, "a v5")));

        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("a", 1, "a")));

        assertThat(changes()).singleElement().isInstanceOfSatisfying(SessionUpserted.class,
                upserted -> assertThat(upserted.session().label()).isEqualTo("a v5"));
        assertThat(this.driver.effects(PublishSessionsVerified.class).get(0).digest())
                .isEqualTo(digestOf(row("a", 5, "a v5")).value());
    }

    @Test
    void aKeylessDeleteDirectlyAfterTheKeyedDeleteItRepeatsIsHandledWithoutAListing() {
        this.driver.connected(row("a", 1, "a")).clear();

        this.driver.receive(deleted(1, "a"));
        this.driver.receive(keyless(2, "delete"));

        assertThat(this.driver.phase()).isInstanceOf(Live.class);
        assertThat(this.driver.sentMethods()).isEmpty();
        assertThat(changes()).hasSize(1);
    }

    @Test
    void aKeylessDeleteAfterAnyOtherEventListsAgainAndPublishesTheDifferences() {
        this.driver.connected(row("a", 1, "a")).clear();
        this.driver.receive(deleted(1, "a"));
        this.driver.receive(tick(2));

        this.driver.receive(keyless(3, "delete"));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage());

        assertThat(this.driver.effects(PublishSnapshot.class)).isEmpty();
        assertThat(this.driver.effects(PublishSessionsVerified.class)).extracting(PublishSessionsVerified::reason)
                .containsExactly(SnapshotReason.RELOAD_REQUESTED);
    }

    @Test
    void aMalformedFrameIsAnsweredWithTheDifferences() {
        this.driver.connected(row("a", 1, "a")).clear();

        this.driver.receive("{not json");
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("a", 1, "a")));

        assertThat(this.driver.effects(PublishSessionsVerified.class)).extracting(PublishSessionsVerified::reason)
                .containsExactly(SnapshotReason.MALFORMED_FRAME);
    }

    @Test
    void aSeqGapIsStillAFullSnapshotAndResetsWhatTheDifferencesAreComparedWith() {
        this.driver.connected(row("a", 1, "a")).clear();
        this.driver.receive(tick(5));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("b", 1, "b")));
        assertThat(this.driver.effects(PublishSnapshot.class)).extracting(PublishSnapshot::reason)
                .containsExactly(SnapshotReason.SEQ_GAP);
        this.driver.clear();

        reconcile(row("b", 1, "b"));

        assertThat(changes()).isEmpty();
    }

    @Test
    void aSnapshotRequestOlderThanTheLastFullSnapshotIsAnsweredByIt() {
        this.driver.connected(row("a", 1, "a"));
        this.driver.advance(Duration.ofSeconds(1));
        this.driver.clear();

        this.driver.feed(new UpstreamInput.SnapshotRequested(SnapshotRequest.of("gw", SnapshotReason.TABLE_MISMATCH,
                SnapshotRequest.PROJECTOR, "digest differs", UpstreamSessionDriver.START - 1)));

        assertThat(this.driver.phase()).isInstanceOf(Live.class);
        assertThat(this.driver.sentMethods()).isEmpty();
    }

    @Test
    void aSnapshotRequestNewerThanTheLastFullSnapshotIsAFullTableMismatchSnapshot() {
        this.driver.connected(row("a", 1, "a"));
        this.driver.advance(Duration.ofSeconds(1));
        this.driver.clear();

        this.driver.feed(new UpstreamInput.SnapshotRequested(SnapshotRequest.of("gw", SnapshotReason.TABLE_MISMATCH,
                SnapshotRequest.PROJECTOR, "digest differs", this.driver.now())));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("a", 1, "a")));

        assertThat(this.driver.effects(PublishSnapshot.class)).extracting(PublishSnapshot::reason)
                .containsExactly(SnapshotReason.TABLE_MISMATCH);
    }

    @Test
    void aSnapshotRequestWhileAFullSnapshotIsListedIsAnsweredByIt() {
        this.driver.connected(row("a", 1, "a"));
        this.driver.receive(tick(5));
        this.driver.clear();

        this.driver.feed(new UpstreamInput.SnapshotRequested(SnapshotRequest.of("gw", SnapshotReason.TABLE_MISMATCH,
                SnapshotRequest.PROJECTOR, "digest differs", this.driver.now())));
        this.driver.answer(GatewayRequests.SESSIONS_LIST, lastPage(row("a", 1, "a")));

        assertThat(this.driver.effects(PublishSnapshot.class)).extracting(PublishSnapshot::reason)
                .containsExactly(SnapshotReason.SEQ_GAP);
        assertThat(this.driver.phase()).isInstanceOf(Live.class);
    }
}

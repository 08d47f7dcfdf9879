package io.crewstream.ingestor.upstream;

import java.util.List;

import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.records.SnapshotReason;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class PublishedSessionsTest {

    private final PublishedSessions published = new PublishedSessions();

    @Test
    void aFullSnapshotReplacesEverythingAndItsDigestIsTheOneOfItsRows() {
        this.published.replace(List.of(row("old", 1, "old")), 10);

        this.published.replace(List.of(row("a", 1, "a"), row("b", 2, "b")), 20);

        assertThat(this.published.count()).isEqualTo(2);
        assertThat(this.published.digest()).isEqualTo(SessionsDigest.of(List.of(row("b", 2, "b"), row("a", 1, "a")))
                .value());
        assertThat(this.published.fullSnapshotAt()).isEqualTo(20);
    }

    @Test
    void publishedChangesMoveTheDigestAsTheyMoveATable() {
        this.published.replace(List.of(row("a", 1, "a")), 10);

        this.published.apply(SessionUpserted.of("gw", "patch", 1L, 11, row("a", 2, "a v2")));
        this.published.apply(SessionUpserted.of("gw", "create", 2L, 12, row("b", 3, "b")));
        this.published.apply(SessionRemoved.of("gw", "a", "delete", 3L, 13));
        this.published.apply(SessionRemoved.of("gw", "never-there", "delete", 4L, 14));

        assertThat(this.published.count()).isEqualTo(1);
        assertThat(this.published.digest()).isEqualTo(SessionsDigest.of(List.of(row("b", 3, "b"))).value());
    }

    @Test
    void theDifferencesAreUpsertsOfNewAndChangedRowsThenRemovalsOfTheGoneOnes() {
        this.published.replace(List.of(row("same", 1, "same"), row("changed", 1, "v1"), row("gone", 1, "gone")), 10);

        List<SessionEvent> differences = this.published.differences("gw", SnapshotReason.RECONCILIATION,
                List.of(row("same", 1, "same"), row("changed", 2, "v2"), row("new", 1, "new")), 20);

        assertThat(differences).extracting(PublishedSessionsTest::keyOf).containsExactly("changed", "new", "gone");
        assertThat(differences.get(2)).isInstanceOfSatisfying(SessionRemoved.class, removed -> {
            assertThat(removed.reason()).isEqualTo("reconciliation");
            assertThat(removed.upstreamSeq()).isNull();
            assertThat(removed.observedAt()).isEqualTo(20);
        });
        assertThat(this.published.count()).as("differences are not applied by themselves").isEqualTo(3);
    }

    @Test
    void aChangeOfContentWithTheSameUpdatedAtIsADifference() {
        this.published.replace(List.of(row("a", 1, "a")), 10);

        assertThat(this.published.differences("gw", SnapshotReason.RECONCILIATION, List.of(row("a", 1, "relabelled")),
                20)).hasSize(1);
    }

    @Test
    void volatileFieldsAloneAreNoDifference() {
        this.published.replace(List.of(SessionRow.of(fields("a", 1, "a").put("ts", 1))), 10);

        assertThat(this.published.differences("gw", SnapshotReason.RECONCILIATION,
                List.of(SessionRow.of(fields("a", 1, "a").put("ts", 2))), 20)).isEmpty();
    }

    @Test
    void applyingTheDifferencesGivesTheDigestOfTheListing() {
        this.published.replace(List.of(row("a", 1, "a"), row("b", 1, "b")), 10);
        List<SessionRow> listed = List.of(row("b", 2, "b"), row("c", 1, "c"));

        this.published.differences("gw", SnapshotReason.RELOAD_REQUESTED, listed, 20).forEach(this.published::apply);

        assertThat(this.published.digest()).isEqualTo(SessionsDigest.of(listed).value());
        assertThat(this.published.differences("gw", SnapshotReason.RECONCILIATION, listed, 30)).isEmpty();
    }

    private static String keyOf(SessionEvent event) {
        return event instanceof SessionUpserted upserted ? upserted.sessionKey()
                : ((SessionRemoved) event).sessionKey();
    }

    private static SessionRow row(String key, long updatedAt, String label) {
        return SessionRow.of(fields(key, updatedAt, label));
    }

    private static ObjectNode fields(String key, long updatedAt, String label) {
        return JsonMapper.shared().createObjectNode().put("key", key).put("updatedAt", updatedAt).put("label", label);
    }
}

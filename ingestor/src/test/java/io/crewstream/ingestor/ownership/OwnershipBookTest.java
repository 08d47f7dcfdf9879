package io.crewstream.ingestor.ownership;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.crewstream.ingestor.ownership.GatewayPhase.Fenced;
import io.crewstream.ingestor.ownership.GatewayPhase.Opening;
import io.crewstream.ingestor.ownership.GatewayPhase.Owned;
import io.crewstream.ingestor.ownership.GatewayPhase.Unowned;
import org.junit.jupiter.api.Test;

class OwnershipBookTest {

    private final OwnershipBook book = new OwnershipBook(List.of("a", "b"), 0);

    @Test
    void anAssignedGatewayIsOpenedAtOnceAndOwnedOnceItsWriterIsOpen() {
        assertThat(this.book.phase("a")).isInstanceOf(Unowned.class);

        this.book.assigned("a", 100);
        assertThat(this.book.due(100)).containsExactly("a");
        this.book.opened("a", 120);

        assertThat(this.book.phase("a")).isInstanceOf(Owned.class);
        assertThat(this.book.standings().get("a").ownedHere()).isTrue();
        assertThat(this.book.standings().get("b").ownedHere()).isFalse();
        assertThat(this.book.due(10_000)).isEmpty();
    }

    @Test
    void aFailedOpenIsTriedAgainAfterItsBackoffOnly() {
        this.book.assigned("a", 100);
        this.book.openFailed("a", 150, 1_000, "timed out");

        assertThat(this.book.due(1_149)).isEmpty();
        assertThat(this.book.nextDue()).hasValue(1_150);
        assertThat(this.book.due(1_150)).containsExactly("a");
        assertThat(this.book.phase("a")).isEqualTo(new Opening(1, 1_150));
        assertThat(this.book.standings().get("a").why()).contains("attempt 1").contains("timed out");
    }

    @Test
    void aRevokedGatewayThatWasOpeningIsNotOpenedAnyMore() {
        this.book.assigned("a", 100);
        this.book.openFailed("a", 150, 1_000, "timed out");

        assertThat(this.book.released("a", ReleaseReason.REVOKED, 200)).isInstanceOf(Opening.class);
        assertThat(this.book.due(5_000)).isEmpty();
        assertThat(this.book.nextDue()).isEmpty();
    }

    @Test
    void aFencedWriterWaitsForItsRecheckOrANewAssignmentWhileAFailedOneIsOpenedAgainAfterTheBackoff() {
        own("a");
        own("b");

        assertThat(this.book.writerLost("a", true, 300, 14_000, "fenced by epoch")).isInstanceOf(Owned.class);
        assertThat(this.book.writerLost("b", false, 300, 2_000, "broker gone")).isInstanceOf(Owned.class);

        assertThat(this.book.phase("a")).isInstanceOf(Fenced.class);
        assertThat(this.book.due(2_300)).containsExactly("b");
        assertThat(this.book.due(2_299)).isEmpty();
        assertThat(this.book.due(14_300)).as("the fence's recheck").containsExactly("a", "b");
        assertThat(this.book.nextDue()).hasValue(2_300);
        assertThat(this.book.held()).containsExactly("a", "b");
        this.book.assigned("a", 400);
        assertThat(this.book.phase("a")).as("assigned anew").isInstanceOf(Opening.class);
    }

    @Test
    void aFenceRecheckThatFindsTheGatewayStillAssignedOpensItAgain() {
        own("a");
        this.book.writerLost("a", true, 300, 14_000, "fenced by a stale instance's late open");

        assertThat(this.book.stillAssignedAfterFence("a", 14_300)).isInstanceOf(Fenced.class);

        assertThat(this.book.phase("a")).isEqualTo(new Opening(0, 14_300));
        assertThat(this.book.due(14_300)).containsExactly("a");
    }

    @Test
    void aWriterLostWhileNotOwnedChangesNothing() {
        this.book.assigned("a", 100);

        assertThat(this.book.writerLost("a", true, 200, 0, "late notice")).isInstanceOf(Opening.class);
        assertThat(this.book.phase("a")).isInstanceOf(Opening.class);
    }

    @Test
    void aReleaseSaysWhyAndWhenAndARepeatedReleaseIsANoOp() {
        own("a");

        assertThat(this.book.released("a", ReleaseReason.LOST, 500)).isInstanceOf(Owned.class);
        assertThat(this.book.released("a", ReleaseReason.REVOKED, 600)).isInstanceOf(Unowned.class);

        assertThat(this.book.standings().get("a").why()).isEqualTo("released: lost");
        assertThat(this.book.standings().get("a").lastChange().toEpochMilli()).isEqualTo(500);
        assertThat(this.book.held()).isEmpty();
    }

    @Test
    void anAssignmentOfAnOwnedGatewayDoesNotReopenIt() {
        own("a");

        this.book.assigned("a", 900);

        assertThat(this.book.phase("a")).isInstanceOf(Owned.class);
    }

    private void own(String id) {
        this.book.assigned(id, 100);
        this.book.opened(id, 110);
    }
}

package io.crewstream.replay.table;

import java.time.Instant;
import java.util.List;

import io.crewstream.schemas.records.SessionEvent;
import org.junit.jupiter.api.Test;

import static io.crewstream.replay.support.Events.chunk;
import static io.crewstream.replay.support.Events.removal;
import static io.crewstream.replay.support.Events.row;
import static io.crewstream.replay.support.Events.snapshot;
import static io.crewstream.replay.support.Events.upsert;
import static org.assertj.core.api.Assertions.assertThat;

/** The projector's folding rules, as replay applies them: one rule per test, on plain events. */
class ConnectionFoldTest {

    private static final String C = "gw";

    private final ConnectionFold fold = new ConnectionFold(C);

    private long offset;

    private List<String> apply(SessionEvent event) {
        this.offset++;
        return this.fold.apply(event, this.offset, Instant.ofEpochSecond(this.offset)).stream()
                .map(change -> change.sessionKey() + " " + change.kind().wireName()).toList();
    }

    @Test
    void aCompleteSnapshotUpsertsWhatChangedAndRemovesWhatItDoesNotList() {
        apply(snapshot(C, "s1", row("a", "running"), row("b", "running"), row("c", "running")));
        assertThat(apply(snapshot(C, "s2", row("a", "running"), row("b", "done"), row("d", "queued"))))
                .containsExactly("b updated", "c removed", "d created");
        assertThat(this.fold.sessions()).containsOnlyKeys("a", "b", "d");
        assertThat(this.fold.lastSnapshot().snapshotId()).isEqualTo("s2");
    }

    @Test
    void aChunkedSnapshotCountsOnlyWhenItsLastChunkArrives() {
        apply(upsert(C, row("z", "running"), 1));
        assertThat(apply(chunk(C, "s1", 0, 2, 2, row("a", "running")))).isEmpty();
        assertThat(this.fold.sessions()).containsOnlyKeys("z");
        assertThat(apply(chunk(C, "s1", 1, 2, 2, row("b", "running"))))
                .containsExactly("a created", "b created", "z removed");
        assertThat(this.fold.lastSnapshot().firstOffset()).isEqualTo(2);
    }

    @Test
    void aSnapshotCutOffByANewerOneDeletesNothing() {
        apply(snapshot(C, "s0", row("a", "running")));
        apply(chunk(C, "s1", 0, 2, 1));
        assertThat(apply(snapshot(C, "s2", row("a", "running"), row("b", "running")))).containsExactly("b created");
        assertThat(this.fold.discardedSnapshots()).isEqualTo(1);
    }

    @Test
    void aSnapshotWithAMissingChunkIsNeverApplied() {
        apply(snapshot(C, "s0", row("a", "running")));
        apply(chunk(C, "s1", 0, 3, 0));
        assertThat(apply(chunk(C, "s1", 2, 3, 0))).isEmpty();
        assertThat(this.fold.sessions()).containsOnlyKeys("a");
        assertThat(this.fold.discardedSnapshots()).isEqualTo(1);
    }

    @Test
    void aStrayChunkOfAnotherSnapshotIsDroppedAndTheSnapshotBeingCollectedGoesOn() {
        apply(snapshot(C, "s0", row("a", "running")));
        apply(chunk(C, "s1", 0, 2, 2, row("b", "running")));
        assertThat(apply(chunk(C, "abandoned", 1, 3, 5, row("z", "running")))).isEmpty();
        assertThat(apply(chunk(C, "s1", 1, 2, 2, row("c", "running"))))
                .containsExactly("a removed", "b created", "c created");
        assertThat(this.fold.lastSnapshot().snapshotId()).isEqualTo("s1");
        assertThat(this.fold.discardedSnapshots()).isZero();
    }

    @Test
    void aSnapshotWhoseRowsDoNotAddUpIsNotApplied() {
        apply(snapshot(C, "s0", row("a", "running")));
        assertThat(apply(chunk(C, "s1", 0, 1, 5, row("b", "running")))).isEmpty();
        assertThat(this.fold.sessions()).containsOnlyKeys("a");
        assertThat(this.fold.lastSnapshot().snapshotId()).isEqualTo("s0");
    }

    @Test
    void aRowThatDiffersOnlyInVolatileFieldsIsNoChange() {
        apply(upsert(C, row("a", "running", 1), 1));
        assertThat(apply(upsert(C, row("a", "running", 2), 2))).isEmpty();
        assertThat(apply(snapshot(C, "s1", row("a", "running", 3)))).isEmpty();
    }

    @Test
    void anUpdateNamesTheFieldsThatChangedOldToNew() {
        apply(upsert(C, row("a", "running"), 1));
        TableChange change = this.fold.apply(upsert(C, row("a", "done", 99), 2), 9, Instant.EPOCH).get(0);
        assertThat(change.kind()).isEqualTo(ChangeKind.UPDATED);
        assertThat(change.fields()).extracting(FieldChange::describe).containsExactly("status: running → done");
        assertThat(change.cause().describe()).isEqualTo("delta patch, frame seq 2");
    }

    @Test
    void deltasTouchTheirOwnKeyAndRemovingAnUnknownKeyIsNoChange() {
        apply(snapshot(C, "s1", row("a", "running"), row("b", "running")));
        assertThat(apply(removal(C, "nope", 5))).isEmpty();
        assertThat(apply(removal(C, "a", 6))).containsExactly("a removed");
        assertThat(apply(upsert(C, row("a", "queued"), 7))).containsExactly("a created");
        assertThat(this.fold.sessions()).containsOnlyKeys("a", "b");
    }

    @Test
    void anEmptySnapshotRemovesEverySession() {
        apply(snapshot(C, "s1", row("a", "running"), row("b", "running")));
        assertThat(apply(snapshot(C, "s2"))).containsExactly("a removed", "b removed");
    }
}

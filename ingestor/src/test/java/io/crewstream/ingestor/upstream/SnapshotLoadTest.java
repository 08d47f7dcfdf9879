package io.crewstream.ingestor.upstream;

import java.util.List;

import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotReason;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotLoadTest {

    @Test
    void changesHeldWhileListingReplaceAddAndRemoveRowsOfTheSnapshot() {
        SnapshotLoad load = new SnapshotLoad(SnapshotReason.INITIAL, 0);
        // "b" was updated after page 1 was fetched and before page 2: it moved to page 1 and was seen on neither.
        load.add(List.of(row("a", "a1"), row("c", "c1")));
        load.add(List.of(row("d", "d1"), row("e", "e1")));
        List<SessionEvent> held = List.of(upserted(row("b", "b2")), upserted(row("a", "a2")), removed("d"),
                upserted(row("f", "f1")), removed("f"));

        List<SessionRow> rows = load.rowsWith(held);

        assertThat(rows).extracting(SessionRow::key).containsExactly("a", "c", "e", "b");
        assertThat(rows).extracting(SessionRow::label).containsExactly("a2", "c1", "e1", "b2");
    }

    @Test
    void aRowSeenOnTwoPagesBecauseAnInsertShiftedTheListIsKeptOnce() {
        SnapshotLoad load = new SnapshotLoad(SnapshotReason.INITIAL, 0);
        load.add(List.of(row("a", "a1"), row("b", "b1")));
        load.add(List.of(row("b", "b1"), row("c", "c1")));

        assertThat(load.rowsWith(List.of())).extracting(SessionRow::key).containsExactly("a", "b", "c");
    }

    @Test
    void aRemovalDuringAListingOfSeveralPagesMayHaveMadeItSkipARowUntilListedAgain() {
        SnapshotLoad load = new SnapshotLoad(SnapshotReason.INITIAL, 0);
        load.add(List.of(row("a", "a1")));
        load.rowsMayHaveShiftedBack();
        assertThat(load.mayHaveSkippedRows()).as("one page so far: nothing to skip between pages").isFalse();
        load.add(List.of(row("c", "c1")));
        assertThat(load.mayHaveSkippedRows()).isTrue();

        load.relist(0);

        assertThat(load.listings()).isEqualTo(2);
        assertThat(load.offset()).isZero();
        assertThat(load.mayHaveSkippedRows()).isFalse();
        assertThat(load.rowsWith(List.of())).isEmpty();
    }

    private static SessionRow row(String key, String label) {
        ObjectNode fields = JsonMapper.shared().createObjectNode();
        fields.put("key", key);
        fields.put("label", label);
        return SessionRow.of(fields);
    }

    private static SessionUpserted upserted(SessionRow row) {
        return SessionUpserted.of("gw", "patch", null, 1L, row);
    }

    private static SessionRemoved removed(String key) {
        return SessionRemoved.of("gw", key, "delete", null, 1L);
    }
}

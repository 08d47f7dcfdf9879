package io.crewstream.ingestor.publish;

import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.serde.ContractSerdes;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotChunkerTest {

    private static final int ONE_MEGABYTE = 1_000_000;

    private final SnapshotChunker chunker = new SnapshotChunker(256 * 1024, 900_000);

    @Test
    void tenThousandSessionsOfTwoKilobytesFitInChunksWellUnderTheBrokerDefault() {
        List<SessionRow> rows = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            rows.add(row("agent:main:s" + i, 2000));
        }
        List<String> rejected = new ArrayList<>();

        List<SnapshotChunk> chunks = this.chunker.chunk("gw", "snap-1", SnapshotReason.INITIAL, rows, 1L, rejected);

        assertThat(rejected).isEmpty();
        assertThat(chunks.size()).isBetween(70, 100);
        for (int i = 0; i < chunks.size(); i++) {
            SnapshotChunk chunk = chunks.get(i);
            assertThat(chunk.chunkIndex()).isEqualTo(i);
            assertThat(chunk.chunkCount()).isEqualTo(chunks.size());
            assertThat(chunk.totalSessions()).isEqualTo(10_000);
            assertThat(ContractSerdes.sessionEvents().serialize("t", chunk).length).isLessThan(256 * 1024)
                    .isLessThan(ONE_MEGABYTE);
        }
        List<String> keys = chunks.stream().flatMap(chunk -> chunk.sessions().stream()).map(SessionRow::key).toList();
        assertThat(keys).isEqualTo(rows.stream().map(SessionRow::key).toList());
    }

    @Test
    void anEmptySnapshotIsOneChunkSayingThereAreNoSessions() {
        List<SnapshotChunk> chunks = this.chunker.chunk("gw", "snap-1", SnapshotReason.INITIAL, List.of(), 1L, new ArrayList<>());

        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).sessions()).isEmpty();
        assertThat(chunks.get(0).totalSessions()).isZero();
        assertThat(chunks.get(0).isLast()).isTrue();
    }

    @Test
    void aRowTooLargeForAnyRecordIsPublishedTrimmedToItsTypedFieldsAndMarkedInsteadOfLeftOut() {
        List<String> trimmed = new ArrayList<>();
        ObjectNode huge = row("agent:main:huge", 950_000).fields();
        huge.put("label", "Huge one");
        huge.put("updatedAt", 1_700_000_000_000L);
        huge.put("totalTokens", 1200);
        huge.put("hasActiveRun", true);
        List<SessionRow> rows = List.of(row("agent:main:small", 100), SessionRow.of(huge));

        List<SnapshotChunk> chunks = this.chunker.chunk("gw", "snap-1", SnapshotReason.INITIAL, rows, 1L, trimmed);

        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0).sessions()).extracting(SessionRow::key)
                .containsExactly("agent:main:small", "agent:main:huge");
        assertThat(chunks.get(0).totalSessions()).isEqualTo(2);
        ObjectNode published = chunks.get(0).sessions().get(1).fields();
        assertThat(published.has("notes")).isFalse();
        assertThat(published.get(TrimmedRow.MARKER).asBoolean()).isTrue();
        assertThat(published.get("label").asString()).isEqualTo("Huge one");
        assertThat(published.get("kind").asString()).isEqualTo("direct");
        assertThat(published.get("updatedAt").asLong()).isEqualTo(1_700_000_000_000L);
        assertThat(published.get("totalTokens").asLong()).isEqualTo(1200);
        assertThat(published.get("hasActiveRun").asBoolean()).isTrue();
        assertThat(trimmed).singleElement().asString().contains("agent:main:huge").contains("trimmed");
        SessionEvent roundTrip = ContractSerdes.sessionEvents().deserialize("t",
                ContractSerdes.sessionEvents().serialize("t", chunks.get(0)));
        assertThat(roundTrip).isEqualTo(chunks.get(0));
    }

    @Test
    void aRowWhoseTypedFieldsAloneAreTooLargeIsPublishedAsItsKeyAndUpdatedAtOnly() {
        List<String> trimmed = new ArrayList<>();
        ObjectNode huge = row("agent:main:huge", 100).fields();
        huge.put("label", "y".repeat(950_000));
        huge.put("updatedAt", 1_700_000_000_123L);

        List<SnapshotChunk> chunks = this.chunker.chunk("gw", "snap-1", SnapshotReason.INITIAL, List.of(SessionRow.of(huge)), 1L,
                trimmed);

        SessionRow published = chunks.get(0).sessions().get(0);
        assertThat(published.fields().propertyNames()).containsExactlyInAnyOrder("key", "updatedAt",
                TrimmedRow.MARKER);
        assertThat(trimmed).hasSize(1);
        assertThat(SessionsDigest.of(List.of(published)).value())
                .as("a reader's digest of the trimmed row is the digest of the row listed")
                .isEqualTo(SessionsDigest.of(List.of(SessionRow.of(huge))).value());
    }

    static SessionRow row(String key, int approximateBytes) {
        ObjectNode fields = JsonMapper.shared().createObjectNode();
        fields.put("key", key);
        fields.put("kind", "direct");
        fields.put("notes", "x".repeat(Math.max(0, approximateBytes - 60)));
        return SessionRow.of(fields);
    }
}

package io.crewstream.projector.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.crewstream.projector.SessionRows.chunk;
import static io.crewstream.projector.SessionRows.row;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@link SnapshotAssembler} keeps between the chunks of a snapshot, and that it keeps it only in its store. The
 * rules it serves (apply on arrival, remove only when complete, cut off / gap / rows not adding up remove nothing)
 * are specified on the whole topology in {@link ProjectorTopologyTest}.
 */
class SnapshotAssemblerTest {

    private static final String C1 = "gw-one";

    private final DiscardedSnapshots discarded = new DiscardedSnapshots(new SimpleMeterRegistry());

    private KeyValueStore<String, ChunkReceipt> store;

    @BeforeEach
    void openStore() {
        this.store = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(
                ProjectorTopology.SNAPSHOT_PROGRESS_STORE), Serdes.String(), ContractSerdes.of(ChunkReceipt.class))
                .withLoggingDisabled().build();
        MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
        this.store.init(context.getStateStoreContext(), this.store);
    }

    @Test
    void everyChunkIsAppliedAndTheLastCompletesTheSnapshotWithEveryKeyItsChunksListed() {
        SnapshotAssembler assembler = new SnapshotAssembler(this.store, this.discarded);

        assertThat(assembler.add(chunk(C1, "s1", 0, 3, 4, 100, row("a", "running"), row("b", "running"))))
                .isInstanceOf(SnapshotAssembler.Apply.class);
        assertThat(assembler.add(chunk(C1, "s1", 1, 3, 4, 100, row("c", "running"))))
                .isInstanceOf(SnapshotAssembler.Apply.class);
        SnapshotAssembler.Step last = assembler.add(chunk(C1, "s1", 2, 3, 4, 100, row("d", "running")));

        assertThat(last).isInstanceOfSatisfying(SnapshotAssembler.Complete.class, complete -> {
            assertThat(complete.listedKeys()).containsExactlyInAnyOrder("a", "b", "c", "d");
            assertThat(complete.chunkCount()).isEqualTo(3);
        });
        assertThat(entries()).as("a completed snapshot leaves nothing behind").isZero();
    }

    @Test
    void aSnapshotInterruptedBetweenChunksCompletesFromWhatTheStoreKept() {
        new SnapshotAssembler(this.store, this.discarded).add(chunk(C1, "s1", 0, 2, 2, 100, row("a", "running")));

        // A new instance, as after a restart or a move of the task: it has nothing but the store.
        SnapshotAssembler.Step last = new SnapshotAssembler(this.store, this.discarded)
                .add(chunk(C1, "s1", 1, 2, 2, 100, row("b", "running")));

        assertThat(last).isInstanceOfSatisfying(SnapshotAssembler.Complete.class,
                complete -> assertThat(complete.listedKeys()).containsExactlyInAnyOrder("a", "b"));
    }

    @Test
    void betweenChunksItKeepsTheKeysNotTheRows() {
        // 100 rows of about 2 KB, as a gateway's sessions are.
        List<SessionRow> rows = new ArrayList<>();
        IntStream.range(0, 100).forEach(i -> rows.add(SessionRow.of(row("agent:main:s-" + i, "running").fields()
                .put("lastMessagePreview", "x".repeat(2_000)))));
        SnapshotChunk first = SnapshotChunk.of(C1, "s1", "initial", 0, 2, 200, 100, rows);

        new SnapshotAssembler(this.store, this.discarded).add(first);

        int chunkBytes = ContractSerdes.sessionEvents().serialize(null, first).length;
        int keptBytes = 0;
        try (KeyValueIterator<String, ChunkReceipt> kept = this.store.all()) {
            while (kept.hasNext()) {
                keptBytes += ContractSerdes.of(ChunkReceipt.class).serialize(null, kept.next().value).length;
            }
        }
        assertThat(keptBytes).as("bytes kept for a chunk of %d bytes", chunkBytes).isPositive()
                .isLessThan(chunkBytes / 20);
    }

    @Test
    void aChunkThatDoesNotFollowThePreviousOneIsDroppedAndItsSnapshotNeverCompletes() {
        SnapshotAssembler assembler = new SnapshotAssembler(this.store, this.discarded);
        assembler.add(chunk(C1, "s1", 0, 3, 3, 100, row("a", "running")));

        assertThat(assembler.add(chunk(C1, "s1", 2, 3, 3, 100, row("c", "running"))))
                .isInstanceOf(SnapshotAssembler.Dropped.class);
        assertThat(entries()).isZero();
        assertThat(this.discarded.counts()).containsEntry("chunk-missing", 1L);
    }

    private long entries() {
        long count = 0;
        try (KeyValueIterator<String, ChunkReceipt> all = this.store.all()) {
            while (all.hasNext()) {
                all.next();
                count++;
            }
        }
        return count;
    }
}

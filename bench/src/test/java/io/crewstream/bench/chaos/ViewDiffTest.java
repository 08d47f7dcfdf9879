package io.crewstream.bench.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.crewstream.bench.client.CheckerClient;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ViewDiffTest {

    @Test
    void countsMissingOlderAndDeletedRowsApart() {
        Map<String, Long> truth = Map.of("kept", 5L, "changed", 9L, "created", 10L);
        Map<String, Long> view = Map.of("kept", 5L, "changed", 7L, "deleted", 3L);

        ViewDiff diff = ViewDiff.of(truth, view);

        assertThat(diff).isEqualTo(new ViewDiff(1, 1, 1));
        assertThat(diff.equal()).isFalse();
        assertThat(ViewDiff.of(truth, Map.copyOf(truth)).equal()).isTrue();
    }

    @Test
    void verdictLinesSayWhetherEachFaultConvergedAndTheOverallLineNamesTheOnesThatDidNot() {
        Verdict converged = new Verdict("kill-ingestor", 1, true, Duration.ofMillis(6_240), Duration.ofSeconds(90),
                ViewDiff.NONE, new CheckerClient.Counts(0, 2, 1, 1, 0));
        Verdict stuck = new Verdict("apps-kafka-blackhole", 1, false, Duration.ofSeconds(90), Duration.ofSeconds(90),
                new ViewDiff(3, 1, 0), CheckerClient.Counts.ZERO);

        assertThat(converged.line()).isEqualTo("VERDICT fault=kill-ingestor round=1 converged=yes in=6.2s bound=90s"
                + " lost=0 stale=0 dup=0 resurrected=0 regressed=2 reconnects=1 resumed=1 refreshed=0");
        assertThat(stuck.line()).startsWith("VERDICT fault=apps-kafka-blackhole round=1 converged=no in=- bound=90s"
                + " lost=3 stale=1 dup=0 resurrected=0");
        assertThat(Verdict.overall(List.of(converged, stuck)))
                .isEqualTo("VERDICT overall=not-converged faults=2 converged=1 worst=6.2s failed=apps-kafka-blackhole");
        assertThat(Verdict.overall(List.of(converged)))
                .isEqualTo("VERDICT overall=converged faults=1 converged=1 worst=6.2s");
    }
}

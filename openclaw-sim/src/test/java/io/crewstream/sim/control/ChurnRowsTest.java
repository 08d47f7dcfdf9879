package io.crewstream.sim.control;

import java.util.Random;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Churned rows look like a real session's: their token counts grow, change after change. */
class ChurnRowsTest {

    @Test
    void aSessionsTokenCountsOnlyGrow() {
        ChurnRows rows = new ChurnRows(new Random(7));
        long last = 0;
        for (int i = 0; i < 50; i++) {
            var row = rows.nextChange("agent:main:one", "main", i);
            long total = row.get("totalTokens").asLong();
            assertThat(total).isGreaterThan(last);
            assertThat(total).isEqualTo(row.get("inputTokens").asLong() + row.get("outputTokens").asLong());
            last = total;
            rows.nextChange("agent:main:other", "main", i);
        }
    }

    @Test
    void withSimulatedRunsTheChurnLeavesTheRunFieldsToThem() {
        var row = new ChurnRows(new Random(7), true).nextChange("agent:main:one", "main", 1);

        assertThat(ChurnRows.RUN_FIELDS).allSatisfy(field -> assertThat(row.has(field)).as(field).isFalse());
        assertThat(row.has("totalTokens")).isTrue();
        assertThat(new ChurnRows(new Random(7)).nextChange("agent:main:one", "main", 1).has("hasActiveRun"))
                .as("without runs, churned rows say how their (made-up) runs go").isTrue();
    }
}

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
}

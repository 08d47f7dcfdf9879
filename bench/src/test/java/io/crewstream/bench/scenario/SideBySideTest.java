package io.crewstream.bench.scenario;

import java.nio.file.Path;
import java.util.Map;

import io.crewstream.bench.report.Report;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class SideBySideTest {

    @TempDir
    Path results;

    @Test
    void eachSubjectIsJudgedByItsRatioToThePeerNotByItsAbsoluteValue() {
        SideBySide table = new SideBySide("nchan");
        table.figure("deliveries/s", "%.0f", SideBySide.Goal.atLeast(1.0));
        table.figure("p99", "%.1f", SideBySide.Goal.atMost(1.0));
        table.value("nchan", "deliveries/s", 100_000);
        table.value("nchan", "p99", 50);
        table.value("gateway", "deliveries/s", 73_000);
        table.value("gateway", "p99", 40);
        table.value("spike", "deliveries/s", 101_000);
        table.value("spike", "p99", 60);
        Report report = new Report("side", Map.of());

        table.addTo(report);
        String printed = report.save(this.results);

        assertThat(printed).contains("| gateway: deliveries/s ÷ nchan | 0.73× | ÷ peer >= 1.0 | NO  |")
                .contains("| spike: deliveries/s ÷ nchan   | 1.01× | ÷ peer >= 1.0 | yes |")
                .contains("| gateway: p99 ÷ nchan          | 0.80× | ÷ peer <= 1.0 | yes |")
                .contains("| spike: p99 ÷ nchan            | 1.20× | ÷ peer <= 1.0 | NO  |")
                .contains("| figure       | nchan  | gateway | spike  | gateway ÷ nchan | spike ÷ nchan | goal ")
                .contains("| deliveries/s | 100000 | 73000   | 101000 | 0.73×           | 1.01×         |");
    }

    @Test
    void aFigureThePeerDidNotMeasureHasNoRatioAndIsNotJudged() {
        SideBySide table = new SideBySide("nchan");
        table.figure("p99", "%.1f", SideBySide.Goal.atMost(1.0));
        table.value("nchan", "other", 1);
        table.value("gateway", "p99", 40);
        Report report = new Report("side", Map.of());

        table.addTo(report);

        assertThat(report.save(this.results)).contains("| p99    | -     | 40.0    | -               |")
                .doesNotContain("gateway: p99");
    }
}

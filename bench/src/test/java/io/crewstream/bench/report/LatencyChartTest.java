package io.crewstream.bench.report;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Map;

import javax.imageio.ImageIO;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class LatencyChartTest {

    @Test
    void writesAReadablePng(@TempDir Path dir) throws Exception {
        Histogram micros = new Histogram(3);
        for (int i = 1; i <= 10_000; i++) {
            micros.recordValue(i);
        }
        Path file = dir.resolve("chart.png");

        LatencyChart.write(file, "title", Map.of("series", micros), LatencyChart.goals("goal", 5));

        BufferedImage image = ImageIO.read(file.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(520);
    }

    @Test
    void percentilePointsRiseWithThePercentile() {
        Histogram micros = new Histogram(3);
        for (int i = 1; i <= 10_000; i++) {
            micros.recordValue(i * 10L);
        }

        var points = LatencyChart.points(micros);

        assertThat(points).isNotEmpty();
        for (int i = 1; i < points.size(); i++) {
            assertThat(points.get(i)[1]).isGreaterThanOrEqualTo(points.get(i - 1)[1]);
        }
        assertThat(points.get(points.size() - 1)[0]).isCloseTo(4.0, org.assertj.core.data.Offset.offset(0.05));
    }
}

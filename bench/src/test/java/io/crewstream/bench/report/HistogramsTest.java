package io.crewstream.bench.report;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HistogramsTest {

    @Test
    void anEncodedHistogramDecodesToTheSameCounts() {
        Histogram histogram = new Histogram(3);
        for (int i = 1; i <= 1000; i++) {
            histogram.recordValue(i * 100L);
        }

        Histogram decoded = Histograms.decode(Histograms.encode(histogram));

        assertThat(decoded.getTotalCount()).isEqualTo(1000);
        assertThat(decoded.getValueAtPercentile(99)).isEqualTo(histogram.getValueAtPercentile(99));
        assertThat(decoded.getMaxValue()).isEqualTo(histogram.getMaxValue());
    }
}

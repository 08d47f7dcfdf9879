package io.crewstream.bench.report;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

class TrendTest {

    @Test
    void aSeriesThatClimbsThroughTheSecondHalfIsGrowingEvenWhenItsMaximumLooksModest() {
        List<Trend.Point> points = new ArrayList<>();
        for (int minute = 0; minute <= 60; minute++) {
            points.add(new Trend.Point(minute * 60, 100 + minute * 0.5));
        }

        Trend trend = Trend.of(points, 300, 8, 0.05);

        // Minutes 5..60 measured, halfway at 32.5: minutes 33 to 60, 27 minutes at 0.5 a minute.
        assertThat(trend.secondHalfChange()).isCloseTo(13.5, within(0.01));
        assertThat(trend.flat()).isFalse();
        assertThat(trend.afterWarmup()).isEqualTo(102.5);
        assertThat(trend.last()).isEqualTo(130);
    }

    @Test
    void aWarmUpClimbFollowedByNoiseIsFlat() {
        List<Trend.Point> points = new ArrayList<>();
        for (int minute = 0; minute <= 60; minute++) {
            double value = (minute < 5) ? 20 * minute : 100 + ((minute % 2 == 0) ? 3 : -3);
            points.add(new Trend.Point(minute * 60, value));
        }

        Trend trend = Trend.of(points, 300, 8, 0.05);

        assertThat(trend.flat()).isTrue();
        assertThat(trend.min()).isEqualTo(97);
        assertThat(trend.max()).isEqualTo(103);
        assertThat(trend.allowance()).isEqualTo(8);
    }

    @Test
    void shrinkingIsNotALeak() {
        List<Trend.Point> points = List.of(new Trend.Point(0, 500), new Trend.Point(60, 400),
                new Trend.Point(120, 300), new Trend.Point(180, 200));

        assertThat(Trend.of(points, 0, 1, 0).flat()).isTrue();
    }

    @Test
    void theAllowanceIsAShareOfTheMeanWhenThatIsLargerThanTheFloor() {
        List<Trend.Point> points = List.of(new Trend.Point(0, 1000), new Trend.Point(60, 1000),
                new Trend.Point(120, 1030), new Trend.Point(180, 1040));

        Trend trend = Trend.of(points, 0, 10, 0.05);

        assertThat(trend.allowance()).isCloseTo(51.75, within(0.001));
        assertThat(trend.flat()).isTrue();
    }

    @Test
    void aTrendNeedsTwoSamplesAfterTheWarmUp() {
        assertThatIllegalArgumentException().isThrownBy(() -> Trend.of(
                List.of(new Trend.Point(0, 1), new Trend.Point(400, 1)), 300, 1, 0));
    }
}

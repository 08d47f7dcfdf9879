package io.crewstream.bench.report;

import java.util.List;

/**
 * Whether a figure sampled over a long run stays flat: its least-squares slope over the second half of the samples
 * (after the warm-up, the part where a leak has nothing left to hide behind), turned into the change it amounts to
 * across that half, against an allowance of {@code max(floor, fraction × mean of that half)}. Also the figures a
 * reader looks at: the first sample after the warm-up, the middle one, the last one, min and max after the warm-up.
 * Immutable; pure.
 *
 * @param afterWarmup the first sample at or after the warm-up
 * @param middle the sample in the middle of the measured part
 * @param last the last sample
 * @param min smallest value after the warm-up
 * @param max largest value after the warm-up
 * @param secondHalfChange least-squares slope over the second half × that half's duration
 * @param allowance the change still called flat
 */
public record Trend(double afterWarmup, double middle, double last, double min, double max, double secondHalfChange,
        double allowance) {

    /** One sample: seconds since the run's start and the value then. */
    public record Point(double seconds, double value) {
    }

    /**
     * @param points samples in time order; those before {@code warmupSeconds} are left out (at least two must remain)
     * @param floor the smallest change that counts as growth, in the value's unit
     * @param fraction the change, as a fraction of the second half's mean, that counts as growth when larger
     */
    public static Trend of(List<Point> points, double warmupSeconds, double floor, double fraction) {
        List<Point> measured = points.stream().filter(point -> point.seconds() >= warmupSeconds).toList();
        if (measured.size() < 2) {
            throw new IllegalArgumentException("a trend needs two samples after the warm-up, got " + measured.size());
        }
        double min = measured.stream().mapToDouble(Point::value).min().orElseThrow();
        double max = measured.stream().mapToDouble(Point::value).max().orElseThrow();
        double start = measured.get(0).seconds();
        double end = measured.get(measured.size() - 1).seconds();
        double halfway = (start + end) / 2;
        List<Point> second = measured.stream().filter(point -> point.seconds() >= halfway).toList();
        if (second.size() < 2) {
            second = measured.subList(measured.size() - 2, measured.size());
        }
        double slope = slope(second);
        double span = second.get(second.size() - 1).seconds() - second.get(0).seconds();
        double mean = second.stream().mapToDouble(Point::value).average().orElseThrow();
        return new Trend(measured.get(0).value(), measured.get(measured.size() / 2).value(),
                measured.get(measured.size() - 1).value(), min, max, slope * span,
                Math.max(floor, fraction * Math.abs(mean)));
    }

    /** Least-squares slope of value over seconds. */
    static double slope(List<Point> points) {
        double meanT = points.stream().mapToDouble(Point::seconds).average().orElseThrow();
        double meanV = points.stream().mapToDouble(Point::value).average().orElseThrow();
        double covariance = 0;
        double variance = 0;
        for (Point point : points) {
            covariance += (point.seconds() - meanT) * (point.value() - meanV);
            variance += (point.seconds() - meanT) * (point.seconds() - meanT);
        }
        return (variance == 0) ? 0 : covariance / variance;
    }

    /** Flat unless the second half grew by more than the allowance (shrinking is not a leak). */
    public boolean flat() {
        return this.secondHalfChange <= this.allowance;
    }

    public String verdict() {
        return flat() ? "flat" : "GROWING";
    }
}

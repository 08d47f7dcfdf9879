package io.crewstream.bench.scenario;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.bench.report.Report;

/**
 * The same figures measured for several servers in one run, and each server's ratio to the peer: absolute figures
 * drift between runs on these shared machines, ratios in one run do not (issue #19). Not thread-safe.
 */
final class SideBySide {

    /** A goal on the ratio subject ÷ peer: at least {@code atLeast}, or at most {@code atMost}. */
    record Goal(Double atLeast, Double atMost) {

        static Goal atLeast(double ratio) {
            return new Goal(ratio, null);
        }

        static Goal atMost(double ratio) {
            return new Goal(null, ratio);
        }

        boolean met(double ratio) {
            return (this.atLeast == null || ratio >= this.atLeast) && (this.atMost == null || ratio <= this.atMost);
        }

        @Override
        public String toString() {
            return (this.atLeast != null) ? "÷ peer >= " + this.atLeast : "÷ peer <= " + this.atMost;
        }
    }

    private record Figure(String name, String format, Goal goal) {
    }

    private final String peer;

    private final List<Figure> figures = new ArrayList<>();

    private final Map<String, Map<String, Double>> values = new LinkedHashMap<>();

    SideBySide(String peer) {
        this.peer = peer;
    }

    /** Declares a figure, in table order; {@code goal} may be null (shown, not judged). */
    void figure(String name, String format, Goal goal) {
        this.figures.add(new Figure(name, format, goal));
    }

    void value(String subject, String figure, double value) {
        this.values.computeIfAbsent(subject, s -> new LinkedHashMap<>()).put(figure, value);
    }

    /** Adds the table and, for every figure with a goal, one judged figure per subject other than the peer. */
    void addTo(Report report) {
        List<String> subjects = new ArrayList<>(this.values.keySet());
        List<String> others = subjects.stream().filter(s -> !s.equals(this.peer)).toList();
        boolean hasPeer = subjects.contains(this.peer);
        List<String[]> rows = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("figure"));
        header.addAll(subjects);
        if (hasPeer) {
            others.forEach(s -> header.add(s + " ÷ " + this.peer));
        }
        header.add("goal");
        rows.add(header.toArray(String[]::new));
        for (Figure figure : this.figures) {
            List<String> row = new ArrayList<>(List.of(figure.name()));
            for (String subject : subjects) {
                Double value = this.values.get(subject).get(figure.name());
                row.add((value == null) ? "-" : String.format(figure.format(), value));
            }
            if (hasPeer) {
                for (String subject : others) {
                    Double ratio = ratio(subject, figure.name());
                    row.add((ratio == null) ? "-" : String.format("%.2f×", ratio));
                    if (ratio != null && figure.goal() != null) {
                        report.figure(subject + ": " + figure.name() + " ÷ " + this.peer,
                                String.format("%.2f×", ratio), figure.goal().toString(), figure.goal().met(ratio));
                    }
                }
            }
            row.add((figure.goal() == null) ? "-" : figure.goal().toString());
            rows.add(row.toArray(String[]::new));
        }
        report.table(rows);
    }

    private Double ratio(String subject, String figure) {
        Double value = this.values.get(subject).get(figure);
        Double peerValue = this.values.get(this.peer).get(figure);
        if (value == null || peerValue == null || peerValue == 0) {
            return null;
        }
        return value / peerValue;
    }
}

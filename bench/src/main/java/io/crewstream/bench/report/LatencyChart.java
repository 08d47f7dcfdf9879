package io.crewstream.bench.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.HdrHistogram.Histogram;

/**
 * Draws latency percentile distributions (HdrHistogram style: percentile on a log scale of 1/(1-p), latency on a
 * log scale) as a PNG with Java2D, one line per series plus horizontal goal lines. Stateless.
 */
public final class LatencyChart {

    private static final int WIDTH = 900;

    private static final int HEIGHT = 520;

    private static final int LEFT = 80;

    private static final int RIGHT = 30;

    private static final int TOP = 50;

    private static final int BOTTOM = 60;

    /** Percentiles from 0 to 99.99: x = log10(1 / (1 - p)) spans 0..4. */
    private static final double MAX_NINES = 4;

    private static final Color[] COLORS = { new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0x9467bd) };

    private LatencyChart() {
    }

    /**
     * @param series name → histogram in microseconds
     * @param goalsMs label → latency goal in milliseconds, drawn as dashed lines
     */
    public static void write(Path file, String title, Map<String, Histogram> series, Map<String, Double> goalsMs) {
        BufferedImage image = new BufferedImage(WIDTH, HEIGHT, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, WIDTH, HEIGHT);
        double minMs = 0.1;
        double maxMs = 10;
        for (Histogram histogram : series.values()) {
            maxMs = Math.max(maxMs, histogram.getMaxValue() / 1000.0);
        }
        for (double goal : goalsMs.values()) {
            maxMs = Math.max(maxMs, goal * 1.5);
        }
        double logMin = Math.log10(minMs);
        double logMax = Math.ceil(Math.log10(maxMs));
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.setColor(Color.BLACK);
        g.drawString(title, LEFT, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        // Axes and grid.
        g.setColor(new Color(0xdddddd));
        for (int nines = 0; nines <= MAX_NINES; nines++) {
            int x = LEFT + (int) (plotWidth * nines / MAX_NINES);
            g.drawLine(x, TOP, x, TOP + plotHeight);
        }
        for (double decade = logMin; decade <= logMax; decade++) {
            int y = yOf(Math.pow(10, decade), logMin, logMax, plotHeight);
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, plotWidth, plotHeight);
        String[] percentileLabels = { "0%", "90%", "99%", "99.9%", "99.99%" };
        for (int nines = 0; nines <= MAX_NINES; nines++) {
            int x = LEFT + (int) (plotWidth * nines / MAX_NINES);
            g.drawString(percentileLabels[nines], x - 15, TOP + plotHeight + 18);
        }
        g.drawString("percentile", LEFT + plotWidth / 2 - 30, TOP + plotHeight + 40);
        for (double decade = logMin; decade <= logMax; decade++) {
            double ms = Math.pow(10, decade);
            String label = (ms < 1) ? String.valueOf(ms) : String.format("%.0f", ms);
            g.drawString(label + " ms", 10, yOf(ms, logMin, logMax, plotHeight) + 4);
        }
        // Goals.
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] { 6, 4 }, 0));
        g.setColor(Color.GRAY);
        for (Map.Entry<String, Double> goal : goalsMs.entrySet()) {
            int y = yOf(goal.getValue(), logMin, logMax, plotHeight);
            g.drawLine(LEFT, y, LEFT + plotWidth, y);
            g.drawString(goal.getKey(), LEFT + 6, y - 4);
        }
        // Series; the legend sits bottom right, where latency curves (rising to the right) leave room.
        int legendTop = TOP + plotHeight - 12 - series.size() * 18;
        g.setColor(Color.WHITE);
        g.fillRect(LEFT + plotWidth - 340, legendTop - 4, 335, series.size() * 18 + 10);
        g.setStroke(new BasicStroke(2.2f));
        int index = 0;
        for (Map.Entry<String, Histogram> entry : series.entrySet()) {
            g.setColor(COLORS[index % COLORS.length]);
            int previousX = -1;
            int previousY = -1;
            for (double[] point : points(entry.getValue())) {
                int x = LEFT + (int) (plotWidth * point[0] / MAX_NINES);
                int y = yOf(point[1], logMin, logMax, plotHeight);
                if (previousX >= 0) {
                    g.drawLine(previousX, previousY, x, y);
                }
                previousX = x;
                previousY = y;
            }
            g.fillRect(LEFT + plotWidth - 330, legendTop + 6 + index * 18, 14, 4);
            g.drawString(entry.getKey(), LEFT + plotWidth - 310, legendTop + 12 + index * 18);
            index++;
        }
        g.dispose();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            ImageIO.write(image, "png", file.toFile());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** (nines, milliseconds) pairs from p0 to p99.99 (or as far as the samples go). */
    static List<double[]> points(Histogram micros) {
        List<double[]> points = new ArrayList<>();
        if (micros.getTotalCount() == 0) {
            return points;
        }
        double maxNines = Math.min(MAX_NINES, Math.log10(micros.getTotalCount()));
        for (double nines = 0; nines <= maxNines + 1e-9; nines += 0.02) {
            double percentile = 100 * (1 - Math.pow(10, -nines));
            points.add(new double[] { nines, Math.max(0.1, micros.getValueAtPercentile(percentile) / 1000.0) });
        }
        return points;
    }

    private static int yOf(double ms, double logMin, double logMax, int plotHeight) {
        double clamped = Math.max(Math.log10(Math.max(ms, 1e-3)), logMin);
        return TOP + plotHeight - (int) (plotHeight * (clamped - logMin) / (logMax - logMin));
    }

    public static Map<String, Double> goals(Object... labelAndMs) {
        Map<String, Double> goals = new LinkedHashMap<>();
        for (int i = 0; i + 1 < labelAndMs.length; i += 2) {
            goals.put((String) labelAndMs[i], ((Number) labelAndMs[i + 1]).doubleValue());
        }
        return goals;
    }
}

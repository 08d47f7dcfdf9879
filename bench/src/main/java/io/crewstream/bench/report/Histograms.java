package io.crewstream.bench.report;

import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.zip.DataFormatException;

import org.HdrHistogram.Histogram;
import tools.jackson.databind.node.ObjectNode;

/** Moves histograms between load-client processes (compressed, base64) and summarizes them in reports. */
public final class Histograms {

    private Histograms() {
    }

    public static String encode(Histogram histogram) {
        ByteBuffer buffer = ByteBuffer.allocate(histogram.getNeededByteBufferCapacity());
        int length = histogram.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }

    public static Histogram decode(String base64) {
        try {
            return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(Base64.getDecoder().decode(base64)), 0);
        }
        catch (DataFormatException ex) {
            throw new IllegalArgumentException("not an encoded histogram", ex);
        }
    }

    /** Count, p50/p90/p99/p99.9 and max of a histogram of microseconds, written as milliseconds. */
    public static void summarizeMicrosAsMillis(Histogram micros, ObjectNode into) {
        into.put("count", micros.getTotalCount());
        into.put("p50Ms", millis(micros.getValueAtPercentile(50)));
        into.put("p90Ms", millis(micros.getValueAtPercentile(90)));
        into.put("p99Ms", millis(micros.getValueAtPercentile(99)));
        into.put("p999Ms", millis(micros.getValueAtPercentile(99.9)));
        into.put("maxMs", millis(micros.getMaxValue()));
        into.put("meanMs", Math.round(micros.getMean() / 10.0) / 100.0);
    }

    public static double millis(long micros) {
        return Math.round(micros / 10.0) / 100.0;
    }
}

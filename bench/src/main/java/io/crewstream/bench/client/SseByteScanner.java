package io.crewstream.bench.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Reads an event stream byte by byte without building strings: it keeps the event name and the first
 * {@link BenchTimestamps#FIELD} number of each event, which is all a load client needs. Hundreds of thousands of
 * events a second through one process leave no room for decoding every line into a String.
 *
 * <p>Not thread-safe: one scanner per stream, fed its bytes in order.
 */
public final class SseByteScanner {

    /** Receives each complete event. */
    public interface EventSink {

        /** @param stamp the event's bench send time, or -1 when its data has none */
        void onEvent(String event, long stamp);
    }

    private static final byte[] NEEDLE = ("\"" + BenchTimestamps.FIELD + "\":").getBytes(StandardCharsets.US_ASCII);

    private static final byte[] EVENT_FIELD = "event:".getBytes(StandardCharsets.US_ASCII);

    private static final int PREFIX = 64;

    private final EventSink sink;

    private final byte[] line = new byte[PREFIX];

    private int lineLength;

    private String event;

    private int matched;

    private boolean inNumber;

    private long stamp = -1;

    private boolean hasData;

    public SseByteScanner(EventSink sink) {
        this.sink = sink;
    }

    public void feed(ByteBuffer bytes) {
        while (bytes.hasRemaining()) {
            byte b = bytes.get();
            if (b == '\n') {
                endOfLine();
                continue;
            }
            if (b == '\r') {
                continue;
            }
            if (this.lineLength < PREFIX) {
                this.line[this.lineLength] = b;
            }
            this.lineLength++;
            scanForStamp(b);
        }
    }

    private void scanForStamp(byte b) {
        if (this.inNumber) {
            if (b >= '0' && b <= '9') {
                this.stamp = this.stamp * 10 + (b - '0');
                return;
            }
            if (b == ' ' && this.stamp == 0) {
                return;
            }
            this.inNumber = false;
        }
        if (this.stamp >= 0) {
            return;
        }
        if (b == NEEDLE[this.matched]) {
            this.matched++;
            if (this.matched == NEEDLE.length) {
                this.matched = 0;
                this.inNumber = true;
                this.stamp = 0;
            }
        }
        else {
            // The needle's only repeated byte is '"' at its start, so a mismatch restarts at 0 or 1.
            this.matched = (b == NEEDLE[0]) ? 1 : 0;
        }
    }

    private void endOfLine() {
        if (this.lineLength == 0) {
            if (this.hasData) {
                this.sink.onEvent((this.event != null) ? this.event : "message", this.stamp);
            }
            this.event = null;
            this.stamp = -1;
            this.hasData = false;
            this.inNumber = false;
            this.matched = 0;
            return;
        }
        if (startsWith(EVENT_FIELD)) {
            int from = EVENT_FIELD.length;
            int to = Math.min(this.lineLength, PREFIX);
            while (from < to && this.line[from] == ' ') {
                from++;
            }
            this.event = new String(this.line, from, to - from, StandardCharsets.UTF_8);
        }
        else if (this.lineLength >= 5 && this.line[0] == 'd' && this.line[1] == 'a' && this.line[2] == 't'
                && this.line[3] == 'a' && this.line[4] == ':') {
            this.hasData = true;
        }
        this.inNumber = false;
        this.matched = 0;
        this.lineLength = 0;
    }

    private boolean startsWith(byte[] prefix) {
        if (this.lineLength < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (this.line[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}

package io.crewstream.ssegateway.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseEventType;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;

/**
 * One unit written to a stream: an event with its {@code id:}, or a comment. The wire text is rendered once, on
 * first use, into one direct buffer shared by every client the frame is offered to: each stream writes a retained
 * duplicate of it ({@link #retainedBuffer()}), never a copy.
 *
 * <p>Frames with the same {@link #key()} conflate: a client that has not yet written the older one gets only the
 * newer one, with the event type fixed up so the client's view stays right (see {@link #conflate}).
 *
 * <p>Thread-safe: immutable apart from the rendered buffer and JSON. The buffer is rendered once, by the first thread
 * that needs it (a 20 MB refresh must not be rendered by every event loop that races for it); the JSON may be
 * computed by more than one thread at once (benign race, equal results). The buffer wraps a JDK direct
 * {@link ByteBuffer}: Netty never frees it (its reference count only counts the duplicates in flight), the garbage
 * collector does once the frame is unreachable, so a frame needs no release however many queues and caches hold it.
 * That memory counts against {@code -XX:MaxDirectMemorySize} (by default the heap's maximum); when it runs out, the
 * JDK collects garbage before it gives up, which frees the frames no stream holds any more.
 */
final class SseFrame {

    private static final byte[] DATA_FIELD = "data: ".getBytes(StandardCharsets.US_ASCII);

    private final SseEventType type;

    private final String id;

    private final Object payload;

    private final String key;

    private final boolean keyKnownBefore;

    private final Long observedAt;

    private final String text;

    private volatile byte[] json;

    private volatile ByteBuf buffer;

    private SseFrame(SseEventType type, String id, Object payload, String key, boolean keyKnownBefore,
            Long observedAt, String text) {
        this.type = type;
        this.id = id;
        this.payload = payload;
        this.key = key;
        this.keyKnownBefore = keyKnownBefore;
        this.observedAt = observedAt;
        this.text = text;
    }

    /**
     * An event.
     * @param id the resume position it brings a client to; null for an event that is not a table change
     * @param key conflation key: events with the same key replace each other while pending
     * @param observedAt when the change reached the pipeline, for the delivery latency; null for replays
     */
    static SseFrame event(SseEventType type, String id, Object payload, String key, Long observedAt) {
        return new SseFrame(type, id, payload, key, type != SseEventType.SESSION_CREATED, observedAt, null);
    }

    /** Raw SSE text (comments, {@code retry:}); {@code text} must end with a blank line. */
    static SseFrame raw(String key, String text) {
        return new SseFrame(null, null, null, key, true, null, text);
    }

    /**
     * The frame a client should get when {@code newer} arrives while {@code older} (same key) is still pending.
     * Whether the client knew the session is decided by the older frame: a session created and then updated is
     * still new to the client ({@code session-created}), one removed and created again is an update of a row the
     * client has.
     */
    static SseFrame conflate(SseFrame older, SseFrame newer) {
        if (!isSessionEvent(older.type) || !isSessionEvent(newer.type)) {
            return newer;
        }
        SseEventType type = (newer.type == SseEventType.SESSION_REMOVED) ? SseEventType.SESSION_REMOVED
                : older.keyKnownBefore ? SseEventType.SESSION_UPDATED : SseEventType.SESSION_CREATED;
        return new SseFrame(type, newer.id, newer.payload, newer.key, older.keyKnownBefore, newer.observedAt, null);
    }

    private static boolean isSessionEvent(SseEventType type) {
        return type == SseEventType.SESSION_CREATED || type == SseEventType.SESSION_UPDATED
                || type == SseEventType.SESSION_REMOVED;
    }

    String key() {
        return this.key;
    }

    /** The event type; null for comments. */
    SseEventType type() {
        return this.type;
    }

    Long observedAt() {
        return this.observedAt;
    }

    /** A duplicate of the shared wire buffer, retained for one write: the channel releases it once written. */
    ByteBuf retainedBuffer() {
        return buffer().retainedDuplicate();
    }

    /** Renders the wire text now, if no thread has yet (so that an event loop does not have to). */
    void render() {
        buffer();
    }

    /** The wire text (a copy; for tests and logs). */
    byte[] bytes() {
        return ByteBufUtil.getBytes(buffer());
    }

    private ByteBuf buffer() {
        ByteBuf rendered = this.buffer;
        if (rendered != null) {
            return rendered;
        }
        synchronized (this) {
            if (this.buffer == null) {
                byte[] text = renderText();
                ByteBuffer direct = ByteBuffer.allocateDirect(text.length).put(text).flip();
                this.buffer = Unpooled.wrappedBuffer(direct);
            }
            return this.buffer;
        }
    }

    /** The event's data as JSON, rendered once; what {@code GET /api/sessions} sends for a refresh. */
    byte[] payloadJson() {
        byte[] rendered = this.json;
        if (rendered == null) {
            rendered = ContractJson.mapper().writeValueAsBytes(this.payload);
            this.json = rendered;
        }
        return rendered;
    }

    /**
     * Written straight into one array of the exact size, which is then copied once into the direct buffer: a 20 MB
     * refresh must not be copied more than that.
     */
    private byte[] renderText() {
        if (this.text != null) {
            return this.text.getBytes(StandardCharsets.UTF_8);
        }
        // Not kept: a live frame needs its JSON only here; payloadJson() keeps it for the frames the API serves.
        byte[] data = (this.json != null) ? this.json : ContractJson.mapper().writeValueAsBytes(this.payload);
        // Without an id: field a browser keeps its last event id, which is what a frame without a position needs.
        String idField = (this.id != null) ? "id: " + this.id + "\n" : "";
        byte[] head = (idField + "event: " + this.type.eventName() + "\n").getBytes(StandardCharsets.UTF_8);
        // The contract mapper writes one line (JSON escapes line breaks inside strings), but a data field must never
        // carry a raw line break: should one ever appear, it starts a new data line (below). The search is the JDK's
        // String.indexOf (compiled and vectorized long before this runs; a line break is byte 0x0A in UTF-8 and
        // nowhere else, so Latin-1 decoding finds exactly those): a 20 MB refresh is rendered in one call, and a byte
        // loop of our own spent over a second in it on a busy machine (JFR, issue #16), a loop one call long giving the
        // JIT little reason to compile it.
        if (new String(data, StandardCharsets.ISO_8859_1).indexOf('\n') < 0) {
            byte[] frame = new byte[head.length + DATA_FIELD.length + data.length + 2];
            System.arraycopy(head, 0, frame, 0, head.length);
            System.arraycopy(DATA_FIELD, 0, frame, head.length, DATA_FIELD.length);
            System.arraycopy(data, 0, frame, head.length + DATA_FIELD.length, data.length);
            frame[frame.length - 2] = '\n';
            frame[frame.length - 1] = '\n';
            return frame;
        }
        int lines = 1;
        for (byte b : data) {
            if (b == '\n') {
                lines++;
            }
        }
        byte[] frame = new byte[head.length + lines * (DATA_FIELD.length + 1) + (data.length - (lines - 1)) + 1];
        System.arraycopy(head, 0, frame, 0, head.length);
        int at = head.length;
        int lineStart = 0;
        for (int i = 0; i <= data.length; i++) {
            if (i == data.length || data[i] == '\n') {
                System.arraycopy(DATA_FIELD, 0, frame, at, DATA_FIELD.length);
                at += DATA_FIELD.length;
                System.arraycopy(data, lineStart, frame, at, i - lineStart);
                at += i - lineStart;
                frame[at++] = '\n';
                lineStart = i + 1;
            }
        }
        frame[at] = '\n';
        return frame;
    }

    @Override
    public String toString() {
        return "SseFrame[" + (this.type != null ? this.type.eventName() : "comment") + ", key=" + this.key + "]";
    }
}

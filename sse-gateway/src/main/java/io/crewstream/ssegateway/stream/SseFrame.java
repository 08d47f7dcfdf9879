package io.crewstream.ssegateway.stream;

import java.nio.charset.StandardCharsets;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseEventType;

/**
 * One unit written to a stream: an event with its {@code id:}, or a comment. The wire text is rendered once, on
 * first use, and shared by every client the frame is offered to.
 *
 * <p>Frames with the same {@link #key()} conflate: a client that has not yet written the older one gets only the
 * newer one, with the event type fixed up so the client's view stays right (see {@link #conflate}).
 *
 * <p>Thread-safe: immutable apart from the rendered bytes, which any thread may compute (benign race).
 */
final class SseFrame {

    private final SseEventType type;

    private final String id;

    private final Object payload;

    private final String key;

    private final boolean keyKnownBefore;

    private final Long observedAt;

    private final String text;

    private volatile byte[] bytes;

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

    byte[] bytes() {
        byte[] rendered = this.bytes;
        if (rendered == null) {
            rendered = render().getBytes(StandardCharsets.UTF_8);
            this.bytes = rendered;
        }
        return rendered;
    }

    private String render() {
        if (this.text != null) {
            return this.text;
        }
        StringBuilder frame = new StringBuilder(256);
        frame.append("id: ").append(this.id).append('\n');
        frame.append("event: ").append(this.type.eventName()).append('\n');
        // The contract mapper writes one line, but a data field must never carry a raw line break.
        for (String line : ContractJson.mapper().writeValueAsString(this.payload).split("\n", -1)) {
            frame.append("data: ").append(line).append('\n');
        }
        return frame.append('\n').toString();
    }

    @Override
    public String toString() {
        return "SseFrame[" + (this.type != null ? this.type.eventName() : "comment") + ", key=" + this.key + "]";
    }
}

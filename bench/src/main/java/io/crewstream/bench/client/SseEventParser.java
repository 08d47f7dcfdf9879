package io.crewstream.bench.client;

/**
 * Turns the lines of a {@code text/event-stream} into events, as the HTML living standard describes: {@code event:}
 * and {@code data:} fields accumulate until a blank line dispatches them, an {@code id:} going with its event
 * ({@link SseListener#onEventId}); {@code retry:} is ignored. Not thread-safe: one parser per stream, fed in order.
 */
public final class SseEventParser {

    private static final String DEFAULT_EVENT = "message";

    private final SseListener listener;

    private String event;

    private StringBuilder data;

    private String id;

    public SseEventParser(SseListener listener) {
        this.listener = listener;
    }

    public void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.charAt(0) == ':') {
            this.listener.onComment(line.substring(1).trim());
            return;
        }
        int colon = line.indexOf(':');
        String field = (colon < 0) ? line : line.substring(0, colon);
        String value = (colon < 0) ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        if (field.equals("id")) {
            this.id = value;
        }
        else if (field.equals("event")) {
            this.event = value;
        }
        else if (field.equals("data")) {
            if (this.data == null) {
                this.data = new StringBuilder(value.length());
            }
            else {
                this.data.append('\n');
            }
            this.data.append(value);
        }
    }

    private void dispatch() {
        if (this.data != null) {
            this.listener.onEvent((this.event != null) ? this.event : DEFAULT_EVENT, this.data.toString());
            if (this.id != null) {
                this.listener.onEventId(this.id);
            }
        }
        this.event = null;
        this.data = null;
        this.id = null;
    }
}

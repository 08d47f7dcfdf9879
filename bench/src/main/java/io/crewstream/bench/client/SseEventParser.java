package io.crewstream.bench.client;

/**
 * Turns the lines of a {@code text/event-stream} into events, as the HTML living standard describes: {@code event:}
 * and {@code data:} fields accumulate until a blank line dispatches them; {@code id:} sets the last event id when
 * the event it belongs to is dispatched (what a browser sends back as {@code Last-Event-ID}: an id seen in an event
 * that was cut off is not one the client has received), and an event's own {@code id:} is passed on with it
 * ({@link SseListener#onEventId}); {@code retry:} is ignored. Not thread-safe: one parser per
 * stream, fed in order.
 */
public final class SseEventParser {

    private static final String DEFAULT_EVENT = "message";

    private final SseListener listener;

    private String event;

    private StringBuilder data;

    /** The id field's buffer: kept from event to event, as the standard says, until an {@code id:} line sets it. */
    private String idBuffer;

    private String lastEventId;

    /** The {@code id:} of the event being read, if it has one; cleared with each dispatch. */
    private String eventId;

    public SseEventParser(SseListener listener) {
        this(listener, null);
    }

    /** @param lastEventId the id a resumed stream starts from (the previous stream's last), or {@code null} */
    public SseEventParser(SseListener listener, String lastEventId) {
        this.listener = listener;
        this.idBuffer = lastEventId;
        this.lastEventId = lastEventId;
    }

    /** The id of the last event dispatched (or the one this parser started from); {@code null} when none. */
    public String lastEventId() {
        return this.lastEventId;
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
        if (field.equals("event")) {
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
        else if (field.equals("id") && value.indexOf('\0') < 0) {
            this.idBuffer = value;
            this.eventId = value;
        }
    }

    private void dispatch() {
        this.lastEventId = this.idBuffer;
        if (this.data != null) {
            this.listener.onEvent((this.event != null) ? this.event : DEFAULT_EVENT, this.data.toString());
            if (this.eventId != null) {
                this.listener.onEventId(this.eventId);
            }
        }
        this.event = null;
        this.data = null;
        this.eventId = null;
    }
}

package io.crewstream.ssegateway.support;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseEventType;
import tools.jackson.databind.JsonNode;

/**
 * The EventSource stream interpretation (event, id, data, retry, comments; dispatch on a blank line), fed one line
 * at a time. Thread-safe for one feeding thread and any number of readers.
 */
public final class SseParser {

    /** One dispatched event. */
    public record Event(String id, String name, String data) {

        public JsonNode json() {
            return ContractJson.mapper().readTree(this.data);
        }

        public boolean is(SseEventType type) {
            return type.eventName().equals(this.name);
        }
    }

    private final List<Event> events = new CopyOnWriteArrayList<>();

    private final List<String> comments = new CopyOnWriteArrayList<>();

    private volatile Long retry;

    private volatile String lastEventId;

    private String id;

    private String name;

    private StringBuilder data;

    public void line(String line) {
        if (line.isEmpty()) {
            if (this.data != null) {
                this.events.add(new Event(this.id != null ? this.id : this.lastEventId,
                        this.name != null ? this.name : "message", this.data.toString()));
            }
            if (this.id != null) {
                this.lastEventId = this.id;
            }
            this.id = null;
            this.name = null;
            this.data = null;
            return;
        }
        if (line.startsWith(":")) {
            this.comments.add(line.substring(1).trim());
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> this.name = value;
            case "id" -> this.id = value;
            case "data" -> this.data = (this.data == null) ? new StringBuilder(value) : this.data.append('\n').append(value);
            case "retry" -> this.retry = Long.parseLong(value);
            default -> {
                // Unknown fields are ignored, as by a browser.
            }
        }
    }

    public List<Event> events() {
        return List.copyOf(this.events);
    }

    public List<Event> events(SseEventType type) {
        return this.events.stream().filter(event -> event.is(type)).toList();
    }

    public List<String> comments() {
        return List.copyOf(this.comments);
    }

    public Long retry() {
        return this.retry;
    }

    public String lastEventId() {
        return this.lastEventId;
    }
}

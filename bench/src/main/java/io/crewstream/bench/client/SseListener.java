package io.crewstream.bench.client;

/** Receives what one event stream carries. Called on the HTTP client's threads, one call at a time per stream. */
public interface SseListener {

    /** A complete event (its {@code data:} lines joined by newlines). */
    void onEvent(String event, String data);

    /**
     * The {@code id:} of the event just passed to {@link #onEvent}, when it had one: what a browser's EventSource
     * sends back as {@code Last-Event-ID} when it reconnects.
     */
    default void onEventId(String id) {
    }

    /** A comment line ({@code : connected}, {@code : heartbeat}), without the colon. */
    default void onComment(String comment) {
    }

    /** The stream ended or failed. */
    default void onClosed(Throwable failure) {
    }
}

package io.crewstream.bench.client;

/** Receives what one event stream carries. Called on the HTTP client's threads, one call at a time per stream. */
public interface SseListener {

    /** A complete event (its {@code data:} lines joined by newlines). */
    void onEvent(String event, String data);

    /** A comment line ({@code : connected}, {@code : heartbeat}), without the colon. */
    default void onComment(String comment) {
    }

    /** The stream ended or failed. */
    default void onClosed(Throwable failure) {
    }
}

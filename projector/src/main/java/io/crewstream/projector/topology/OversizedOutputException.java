package io.crewstream.projector.topology;

/**
 * A record the projector would write (a session-state or connection-state row, or its store's changelog entry) is
 * larger than it may write: the write would fail, and under exactly-once so would every replacement of the stream
 * thread on the same input. Nothing is stored; the caller dead-letters the input instead.
 */
final class OversizedOutputException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OversizedOutputException(String message) {
        super(message);
    }
}

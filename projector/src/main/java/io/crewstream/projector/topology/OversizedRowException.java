package io.crewstream.projector.topology;

/**
 * A session row whose session-state record would be larger than the projector may write: storing it would fail its
 * changelog write and publishing it its output write, and under exactly-once either failure comes back with every
 * replacement of the stream thread. The row is not applied; the caller dead-letters it.
 */
final class OversizedRowException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    OversizedRowException(String message) {
        super(message);
    }
}

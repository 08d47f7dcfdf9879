package io.crewstream.replay;

/**
 * A question the topics cannot answer as asked, with a message written for the person who asked: the command line
 * prints it as one line (exit code 2), the replay page shows it. {@link #reason()} says which kind, so that each
 * front end can answer in its own terms (a 400, a 404, a 503).
 */
public final class ReplayException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What is wrong. */
    public enum Reason {
        /** A time that is not ISO-8601, epoch milliseconds, {@code now} or a relative {@code -15m}. */
        BAD_TIME,
        /** An end before its start, or another impossible combination of arguments. */
        BAD_RANGE,
        /** A connection id no gateway of this pipeline has; the message lists the known ones. */
        UNKNOWN_CONNECTION,
        /** A time older than what the topic still holds; the message gives the earliest time available. */
        BEFORE_RETENTION,
        /** Kafka does not answer, or a topic the question needs does not exist. */
        KAFKA_UNAVAILABLE
    }

    private final Reason reason;

    public ReplayException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ReplayException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return this.reason;
    }
}

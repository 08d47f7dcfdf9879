package io.crewstream.ssegateway.state;

/**
 * How the table reader is doing, as of one moment: whether it runs, when it last completed a read of the topics and
 * last heard from the cluster (clock millis), and why the last contact failed. Immutable.
 *
 * @param contactFailure why the cluster did not answer since {@code lastContactAt}; null while it answers
 */
public record ReaderProgress(boolean running, long lastReadAt, long lastContactAt, String contactFailure) {

    static ReaderProgress notStarted() {
        return new ReaderProgress(false, 0, 0, null);
    }

    ReaderProgress read(long at) {
        return new ReaderProgress(this.running, at, this.lastContactAt, this.contactFailure);
    }

    ReaderProgress contact(long at) {
        return new ReaderProgress(this.running, this.lastReadAt, at, null);
    }

    ReaderProgress contactFailed(String why) {
        return new ReaderProgress(this.running, this.lastReadAt, this.lastContactAt, why);
    }

    ReaderProgress stopped() {
        return new ReaderProgress(false, this.lastReadAt, this.lastContactAt, this.contactFailure);
    }
}

package io.crewstream.streams;

/**
 * How far a Kafka Streams app has got with starting: its topics must be provisioned before its stream threads start.
 *
 * @param phase where it is
 * @param reason why it is not running yet (the last provisioning failure), or {@code null}
 * @param failedAttempts how many provisioning attempts have failed so far
 */
public record Startup(Phase phase, String reason, int failedAttempts) {

    static final Startup NOT_STARTED = new Startup(Phase.NOT_STARTED, null, 0);

    static final Startup PROVISIONING = new Startup(Phase.PROVISIONING, null, 0);

    static final Startup STARTED = new Startup(Phase.STARTED, null, 0);

    public enum Phase {

        /** Not started, or stopped. */
        NOT_STARTED,

        /** The first attempt to provision the topics is under way. */
        PROVISIONING,

        /** Kafka could not be reached or refused the topics: trying again, with a growing pause. */
        WAITING_FOR_KAFKA,

        /**
         * Could not start for a reason trying again does not fix (e.g. input topics not co-partitioned, or a state
         * directory another instance holds).
         */
        FAILED,

        /** The topics are there and Kafka Streams was started: from here its state tells the story. */
        STARTED
    }

    static Startup waitingForKafka(String reason, int failedAttempts) {
        return new Startup(Phase.WAITING_FOR_KAFKA, reason, failedAttempts);
    }

    static Startup failed(String reason, int failedAttempts) {
        return new Startup(Phase.FAILED, reason, failedAttempts);
    }
}

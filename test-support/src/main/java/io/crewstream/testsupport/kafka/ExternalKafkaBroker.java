package io.crewstream.testsupport.kafka;

/** A cluster named by {@code KAFKA_BOOTSTRAP_SERVERS}; this JVM neither starts nor stops it. */
final class ExternalKafkaBroker implements KafkaBroker {

    private final String bootstrapServers;

    ExternalKafkaBroker(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    @Override
    public Mode mode() {
        return Mode.EXTERNAL;
    }

    @Override
    public String bootstrapServers() {
        return this.bootstrapServers;
    }

    @Override
    public String describe() {
        return "external cluster at " + this.bootstrapServers + " (from KAFKA_BOOTSTRAP_SERVERS)";
    }

    @Override
    public void close() {
        // Not ours to stop.
    }
}

package io.crewstream.schemas;

/**
 * Kafka topics crewstream uses to coordinate its own processes rather than to carry data, with the consumer group
 * that divides each one. Unlike a {@link Topic}, such a topic holds no records and no reader should consume it: what
 * matters is its partitions, which the group's members share out among themselves.
 */
public enum CoordinationTopic {

    /**
     * Which ingestor instance owns which gateway. Partition {@code i} stands for the {@code i}-th of the configured
     * gateways in order of connection id; the ingestors join {@link #groupBaseName() one group} over this topic and
     * whoever Kafka assigns partition {@code i} to is the one instance that connects to that gateway and writes for
     * it. At least as many partitions as gateways; a partition beyond the last gateway stands for nothing.
     */
    INGESTOR_OWNERSHIP("crewstream.ingestor-ownership.v1", "crewstream.ingestor-owners");

    private final String baseName;
    private final String groupBaseName;

    CoordinationTopic(String baseName, String groupBaseName) {
        this.baseName = baseName;
        this.groupBaseName = groupBaseName;
    }

    /** The topic's name in the default namespace. */
    public String baseName() {
        return this.baseName;
    }

    /** The consumer group's id in the default namespace. */
    public String groupBaseName() {
        return this.groupBaseName;
    }
}

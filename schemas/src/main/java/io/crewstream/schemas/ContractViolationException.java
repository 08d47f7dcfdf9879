package io.crewstream.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Bytes or values that break the crewstream contract. Extends Kafka's {@link SerializationException} so that a
 * consumer sees it wrapped in {@code RecordDeserializationException}, with the topic, partition and offset of the
 * bad record, and can route it to a dead-letter topic instead of stopping.
 */
public class ContractViolationException extends SerializationException {

    public ContractViolationException(String message) {
        super(message);
    }

    public ContractViolationException(String message, Throwable cause) {
        super(message, cause);
    }
}

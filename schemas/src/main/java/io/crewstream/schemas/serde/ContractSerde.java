package io.crewstream.schemas.serde;

import java.util.Map;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.MalformedRecordException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;
import tools.jackson.core.JacksonException;

/**
 * JSON serde for one contract type. A null value (a tombstone) maps to null both ways. Anything else that is not a
 * valid record fails with a {@link ContractViolationException} that says what is wrong, never with a null or a
 * defaulted record. Thread-safe and stateless.
 */
public final class ContractSerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    private final Class<T> type;

    ContractSerde(Class<T> type) {
        this.type = type;
    }

    public Class<T> type() {
        return this.type;
    }

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        try {
            return ContractJson.mapper().writeValueAsBytes(value);
        }
        catch (JacksonException ex) {
            throw new ContractViolationException("Cannot write " + this.type.getSimpleName() + " to " + topic
                    + ": " + ex.getOriginalMessage(), ex);
        }
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try {
            return ContractJson.mapper().readValue(data, this.type);
        }
        catch (JacksonException ex) {
            ContractViolationException violation = findViolation(ex);
            if (violation != null) {
                throw violation;
            }
            throw new MalformedRecordException("Malformed " + this.type.getSimpleName() + " on " + topic + ": "
                    + ex.getOriginalMessage(), ex);
        }
    }

    /** Record constructors throw contract exceptions; Jackson wraps them, this unwraps them. */
    private static ContractViolationException findViolation(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ContractViolationException violation) {
                return violation;
            }
        }
        return null;
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the contract has one JSON mapping.
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void close() {
        // Stateless: nothing to release.
    }
}

package io.crewstream.projector.topology;

import java.util.Objects;
import java.util.function.Function;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.serde.ContractSerde;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Turns the bytes of an input record into its contract value and passes it on; a record that breaks the contract
 * (not JSON, wrong shape, missing field, no key, a key other than its connection id) goes to the dead-letter sink
 * with the reason instead ({@link DeadLetterWriter}, which keeps every dead letter small enough to be written), and
 * processing goes on with the next record.
 *
 * <p>Runs on a stream thread; one instance per task.
 *
 * @param <V> the contract type of the topic's values
 */
final class DecodingProcessor<V> implements Processor<String, byte[], String, Object> {

    private final String name;
    private final ContractSerde<V> serde;
    private final Function<V, String> connectionIdOf;
    private final String consumerName;
    private final String decodedChild;
    private final String deadLetterChild;

    private ProcessorContext<String, Object> context;
    private DeadLetterWriter deadLetters;

    /**
     * @param name this processor's node name, which names its metrics
     */
    DecodingProcessor(String name, ContractSerde<V> serde, Function<V, String> connectionIdOf, String consumerName,
            String decodedChild, String deadLetterChild) {
        this.name = name;
        this.serde = serde;
        this.connectionIdOf = connectionIdOf;
        this.consumerName = consumerName;
        this.decodedChild = decodedChild;
        this.deadLetterChild = deadLetterChild;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        this.context = context;
        this.deadLetters = new DeadLetterWriter(context, this.name, this.consumerName, this.deadLetterChild);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = this.context.recordMetadata().map(RecordMetadata::topic).orElse("(unknown topic)");
        V value;
        try {
            value = decode(topic, record);
        }
        catch (ContractViolationException ex) {
            this.deadLetters.send(record, ex.getClass().getName(), String.valueOf(ex.getMessage()), record.value());
            return;
        }
        this.context.forward(record.withValue(value), this.decodedChild);
    }

    private V decode(String topic, Record<String, byte[]> record) {
        if (record.value() == null) {
            throw new ContractViolationException("Record on " + topic + " has no value");
        }
        V value = this.serde.deserialize(topic, record.value());
        String connectionId = this.connectionIdOf.apply(value);
        if (!Objects.equals(record.key(), connectionId)) {
            // The key decides the partition, and so which task holds the connection's state: a record keyed
            // otherwise would be applied next to the wrong state. The key may be huge: the reason quotes its start.
            throw new ContractViolationException("Record key '" + DeadLetter.keyFor(record.key()) + "' on " + topic
                    + " is not the record's connectionId '" + connectionId + "'");
        }
        return value;
    }
}

package io.crewstream.projector.topology;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import java.util.function.Function;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.serde.ContractSerde;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the bytes of an input record into its contract value and passes it on; a record that breaks the contract
 * (not JSON, wrong shape, missing field, no key, a key other than its connection id) goes to the dead-letter sink
 * with the reason instead, is logged and counted in the {@value #DEAD_LETTER_OPERATION}-total metric, and processing
 * goes on with the next record.
 *
 * <p>A dead letter must stay well below the producer's {@code max.request.size} (1 MiB by default), or writing it
 * fails and the record that caused it comes back after every restart: it carries at most the first
 * {@value #MAX_DEAD_LETTER_VALUE_BYTES} bytes of the value (base64 makes them 4/3 larger) and at most
 * {@value #MAX_REASON_CHARS} characters of reason, and the reason says when the value was cut.
 *
 * <p>Runs on a stream thread; one instance per task.
 *
 * @param <V> the contract type of the topic's values
 */
final class DecodingProcessor<V> implements Processor<String, byte[], String, Object> {

    static final String METRIC_SCOPE = "crewstream-projector";

    static final String DEAD_LETTER_OPERATION = "dead-letter";

    /** The most bytes of a bad value a dead letter carries. */
    static final int MAX_DEAD_LETTER_VALUE_BYTES = 64 * 1024;

    /** The most characters of reason a dead letter carries (a reason may quote a huge key or field). */
    static final int MAX_REASON_CHARS = 4 * 1024;

    private static final Logger log = LoggerFactory.getLogger(DecodingProcessor.class);

    private final String name;
    private final ContractSerde<V> serde;
    private final Function<V, String> connectionIdOf;
    private final String consumerName;
    private final String decodedChild;
    private final String deadLetterChild;

    private ProcessorContext<String, Object> context;
    private Sensor deadLetters;

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
        // Streams names a sensor by thread, operation and entity only: the task id in the entity keeps the tasks
        // of one thread from sharing a sensor, which would count each dead letter once per task.
        this.deadLetters = context.metrics().addRateTotalSensor(METRIC_SCOPE, context.taskId() + "." + this.name,
                DEAD_LETTER_OPERATION, Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<String, byte[]> record) {
        String topic = this.context.recordMetadata().map(RecordMetadata::topic).orElse("(unknown topic)");
        V value;
        try {
            value = decode(topic, record);
        }
        catch (ContractViolationException ex) {
            deadLetter(record, ex);
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
            // otherwise would be applied next to the wrong state.
            throw new ContractViolationException("Record key '" + record.key() + "' on " + topic
                    + " is not the record's connectionId '" + connectionId + "'");
        }
        return value;
    }

    private void deadLetter(Record<String, byte[]> record, ContractViolationException failure) {
        RecordMetadata source = this.context.recordMetadata().orElseThrow();
        String reason = truncated(String.valueOf(failure.getMessage()));
        byte[] value = record.value();
        if (value != null && value.length > MAX_DEAD_LETTER_VALUE_BYTES) {
            reason += " (value truncated to " + MAX_DEAD_LETTER_VALUE_BYTES + " of " + value.length + " bytes)";
            value = Arrays.copyOf(value, MAX_DEAD_LETTER_VALUE_BYTES);
        }
        DeadLetter letter = DeadLetter.of(this.consumerName, source.topic(), source.partition(), source.offset(),
                this.context.currentSystemTimeMs(), failure.getClass().getName(), reason,
                value == null ? null : Base64.getEncoder().encodeToString(value));
        log.warn("Dead-lettering record {}-{}@{} (key '{}'): {}", source.topic(), source.partition(),
                source.offset(), truncated(String.valueOf(record.key())), reason);
        this.deadLetters.record();
        this.context.forward(record.withValue(letter), this.deadLetterChild);
    }

    private static String truncated(String text) {
        return text.length() <= MAX_REASON_CHARS ? text
                : text.substring(0, MAX_REASON_CHARS) + "... (" + text.length() + " characters in all)";
    }
}

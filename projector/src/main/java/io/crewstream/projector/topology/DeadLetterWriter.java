package io.crewstream.projector.topology;

import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.records.DeadLetter;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the record being processed to the dead-letter sink, with the reason, logged at WARN and counted in the
 * {@value #DEAD_LETTER_OPERATION}-total metric. Every dead letter fits the topic, whatever it is about: its key is
 * bounded by {@link DeadLetter#keyFor(String)}, and it carries at most the first {@value #MAX_VALUE_BYTES} bytes of
 * the value (base64 makes them 4/3 larger) and {@value #MAX_REASON_CHARS} characters of reason, which say what was
 * cut. One that did not fit would fail to be written, and under exactly-once the record that caused it would come
 * back after every replacement of the stream thread: no record after it on its partition would ever be processed.
 *
 * <p>One per processor instance, used on its stream thread only.
 */
final class DeadLetterWriter {

    static final String METRIC_SCOPE = "crewstream-projector";

    static final String DEAD_LETTER_OPERATION = "dead-letter";

    /** The most bytes of a failed value a dead letter carries. */
    static final int MAX_VALUE_BYTES = 64 * 1024;

    /** The most characters of reason a dead letter carries (a reason may quote a huge key or field). */
    static final int MAX_REASON_CHARS = 4 * 1024;

    private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);

    private final ProcessorContext<String, Object> context;
    private final String consumerName;
    private final String sink;
    private final Sensor sent;
    private final OutputEvents events;

    /**
     * @param nodeName the processor's node name, which names its metric
     * @param consumerName how dead letters name this application ({@link DeadLetter#consumer()})
     */
    DeadLetterWriter(ProcessorContext<String, Object> context, String nodeName, String consumerName, String sink) {
        this.context = context;
        this.consumerName = consumerName;
        this.sink = sink;
        // Streams names a sensor by thread, operation and entity only: the task id in the entity keeps the tasks
        // of one thread from sharing a sensor, which would count each dead letter once per task.
        this.sent = context.metrics().addRateTotalSensor(METRIC_SCOPE, context.taskId() + "." + nodeName,
                DEAD_LETTER_OPERATION, Sensor.RecordingLevel.INFO);
        this.events = new OutputEvents(context);
    }

    /**
     * @param trigger the record being processed: its key becomes the dead letter's (bounded)
     * @param value the bytes to keep for a human to look at: the failed record's value, or the part of it that
     *     could not be applied; null for none
     */
    void send(Record<String, ?> trigger, String errorType, String reason, byte[] value) {
        RecordMetadata source = this.context.recordMetadata().orElseThrow();
        String text = truncated(String.valueOf(reason));
        byte[] kept = value;
        if (kept != null && kept.length > MAX_VALUE_BYTES) {
            text += " (value truncated to " + MAX_VALUE_BYTES + " of " + kept.length + " bytes)";
            kept = Arrays.copyOf(kept, MAX_VALUE_BYTES);
        }
        String key = DeadLetter.keyFor(trigger.key());
        DeadLetter letter = DeadLetter.of(this.consumerName, source.topic(), source.partition(), source.offset(),
                this.context.currentSystemTimeMs(), errorType, text,
                kept == null ? null : Base64.getEncoder().encodeToString(kept));
        log.warn("Dead-lettering record {}-{}@{} (key '{}'): {}", source.topic(), source.partition(),
                source.offset(), truncated(String.valueOf(key)), text);
        this.sent.record();
        // No source connection: the failed record's key may be anything.
        this.context.forward(new Record<>(key, (Object) letter, trigger.timestamp(), this.events.next('d',
                CloudEventType.DEAD_LETTER, null, Instant.ofEpochMilli(letter.failedAt()), null)), this.sink);
    }

    /**
     * Dead-letters the input whose change would be a record too large to write; a change a wall-clock timer caused
     * has no input, and is logged at WARN instead.
     * @param value the input's bytes, or null for none
     */
    void sendOrLog(Record<String, ?> trigger, OversizedOutputException ex, byte[] value) {
        if (this.context.recordMetadata().isPresent()) {
            send(trigger, ex.getClass().getName(), ex.getMessage(), value);
        }
        else {
            log.warn("Not applying a change a timer caused: {}", truncated(String.valueOf(ex.getMessage())));
        }
    }

    static String truncated(String text) {
        return text.length() <= MAX_REASON_CHARS ? text
                : text.substring(0, MAX_REASON_CHARS) + "... (" + text.length() + " characters in all)";
    }
}

package io.crewstream.projector.topology;

import java.time.Instant;

import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * The CloudEvents headers of one processor's outputs. An output's id is the coordinates of the input record that
 * caused it and its place among that record's outputs of its kind ({@code <topic>-<partition>-<offset>-s3}): the
 * same input processed again after a crash (exactly-once aborts and retries) gives the same ids, and no two outputs
 * share one. An output of a wall-clock punctuation (no input) is named after its task and the punctuation's time.
 *
 * <p>One per processor instance, used on its stream thread only.
 */
final class OutputEvents {

    private final ProcessorContext<?, ?> context;

    private String input;

    private int outputs;

    OutputEvents(ProcessorContext<?, ?> context) {
        this.context = context;
    }

    /**
     * @param kind one letter per kind of output of this processor, so that its ids never meet another's
     * @param connectionId the connection the event is about; null for none
     */
    Headers next(char kind, CloudEventType type, String connectionId, Instant time, String subject) {
        RecordMetadata source = this.context.recordMetadata().orElse(null);
        // A timer's outputs have no input: the task and the time of the punctuation tell them apart.
        String input = source == null
                ? "punctuation-" + this.context.taskId() + "-" + this.context.currentSystemTimeMs()
                : source.topic() + "-" + source.partition() + "-" + source.offset();
        if (!input.equals(this.input)) {
            this.input = input;
            this.outputs = 0;
        }
        String id = input + "-" + kind + (++this.outputs);
        return new CloudEvents(id, CloudEvents.source(CloudEvents.Component.PROJECTOR, connectionId), type, time,
                subject).writeTo(new RecordHeaders());
    }
}

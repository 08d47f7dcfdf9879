package io.crewstream.projector.streams;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Skips an output record that is too large to be written, logging it at ERROR with the input record that caused
 * it, instead of failing the stream thread: a replacement thread would reprocess the same input and fail on the
 * same output again, for ever. Kafka Streams counts the skipped record in its {@code dropped-records} metric.
 * Every other send failure fails as by default.
 *
 * <p>This saves the thread under at-least-once only. Under exactly-once the failed send has already put the
 * producer's transaction in an abortable state, so the commit fails and the thread is replaced anyway (seen on a
 * real broker): there, only outputs that fit make progress, which is why every output is measured before it is
 * written ({@code RecordSizeLimit}) and every dead letter is bounded ({@code DeadLetterWriter}).
 *
 * <p>Called by Kafka Streams on stream threads and producer I/O threads; stateless, so thread-safe.
 */
public class OversizedRecordHandler implements ProductionExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(OversizedRecordHandler.class);

    @Override
    public ProductionExceptionHandlerResponse handle(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
            Exception exception) {
        if (!(exception instanceof RecordTooLargeException)) {
            return ProductionExceptionHandlerResponse.FAIL;
        }
        log.error("Skipping a record for {} of {} bytes written while processing {}-{}@{} (task {}): {}",
                record.topic(), size(record.key()) + size(record.value()), context.topic(), context.partition(),
                context.offset(), context.taskId(), exception.getMessage());
        return ProductionExceptionHandlerResponse.CONTINUE;
    }

    private static int size(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    @Override
    public void configure(Map<String, ?> configs) {
    }
}

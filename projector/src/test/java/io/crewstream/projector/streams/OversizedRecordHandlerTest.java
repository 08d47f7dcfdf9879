package io.crewstream.projector.streams;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.projector.ProjectorProperties;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.ProductionExceptionHandlerResponse;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What the projector does when Kafka refuses one of its output records. */
class OversizedRecordHandlerTest {

    private final OversizedRecordHandler handler = new OversizedRecordHandler();

    private final ProducerRecord<byte[], byte[]> output = new ProducerRecord<>(
            TopicNamespace.DEFAULT.name(Topic.SESSION_STATE), "gw-one/a".getBytes(StandardCharsets.UTF_8),
            new byte[2_000_000]);

    @Test
    void outputRecordTooLargeToWriteIsSkippedSoTheStreamThreadGoesOn() {
        assertThat(this.handler.handle(new SourceRecord(), this.output,
                new RecordTooLargeException("The message is 2000100 bytes when serialized")))
                .isEqualTo(ProductionExceptionHandlerResponse.CONTINUE);
    }

    @Test
    void anyOtherSendFailureStillFailsTheStreamThread() {
        assertThat(this.handler.handle(new SourceRecord(), this.output,
                new TopicAuthorizationException("Not authorized")))
                .isEqualTo(ProductionExceptionHandlerResponse.FAIL);
    }

    @Test
    void projectorStreamsAreConfiguredWithIt() {
        ProjectorProperties properties = new ProjectorProperties("projector", "", "exactly_once_v2", Duration.ofMillis(10), Path.of("unused"), 1, 0, Duration.ofSeconds(5),
                Duration.ofSeconds(5), Duration.ofSeconds(60), Map.of(), null);

        assertThat(new StreamsConfig(StreamsSettings.of(properties, KafkaSettings.of("unused:9092", ""))).productionExceptionHandler())
                .isInstanceOf(OversizedRecordHandler.class);
    }

    /** The input record whose processing produced the output. */
    private static final class SourceRecord implements ErrorHandlerContext {

        @Override
        public String topic() {
            return TopicNamespace.DEFAULT.name(Topic.SESSION_EVENTS);
        }

        @Override
        public int partition() {
            return 0;
        }

        @Override
        public long offset() {
            return 42;
        }

        @Override
        public Headers headers() {
            return new RecordHeaders();
        }

        @Override
        public String processorNodeId() {
            return "decode-session-events";
        }

        @Override
        public TaskId taskId() {
            return new TaskId(0, 0);
        }

        @Override
        public long timestamp() {
            return 0;
        }

        @Override
        public byte[] sourceRawKey() {
            return null;
        }

        @Override
        public byte[] sourceRawValue() {
            return null;
        }
    }
}

package io.crewstream.ingestor.publish;

import java.util.concurrent.CompletableFuture;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.cloudevents.CloudEvents;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * A serialized record on its way to Kafka.
 *
 * @param attributes its CloudEvents attributes, written as headers
 * @param sequence position in the order records were handed to the {@link RecordSender}
 * @param handedOverNanos {@link System#nanoTime()} when it was handed over, for the publish latency
 * @param acknowledged completed with where Kafka wrote the record once its transaction committed, or exceptionally
 *     when it was not written
 */
record OutboundRecord(Topic topic, String key, byte[] value, CloudEvents attributes, long sequence,
        long handedOverNanos, CompletableFuture<RecordMetadata> acknowledged) {
}

package io.crewstream.ingestor.publish;

import java.util.concurrent.CompletableFuture;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.cloudevents.CloudEvents;

/**
 * A serialized record on its way to Kafka.
 *
 * @param attributes its CloudEvents attributes, written as headers
 * @param sequence position in the order records were handed to the {@link RecordSender}
 * @param acknowledged completed with the record's offset when Kafka acknowledges it; null when nobody asks
 */
record OutboundRecord(Topic topic, String key, byte[] value, CloudEvents attributes, long sequence,
        CompletableFuture<Long> acknowledged) {
}

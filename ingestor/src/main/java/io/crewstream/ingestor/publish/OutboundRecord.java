package io.crewstream.ingestor.publish;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.cloudevents.CloudEvents;

/**
 * A serialized record on its way to Kafka.
 *
 * @param attributes its CloudEvents attributes, written as headers
 * @param sequence position in the order records were handed to the {@link RecordSender}
 */
record OutboundRecord(Topic topic, String key, byte[] value, CloudEvents attributes, long sequence) {
}

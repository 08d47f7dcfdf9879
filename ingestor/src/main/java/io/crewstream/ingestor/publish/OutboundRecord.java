package io.crewstream.ingestor.publish;

import io.crewstream.schemas.Topic;

/**
 * A serialized record on its way to Kafka.
 *
 * @param sequence position in the order records were handed to the {@link RecordSender}
 */
record OutboundRecord(Topic topic, String key, byte[] value, long sequence) {
}

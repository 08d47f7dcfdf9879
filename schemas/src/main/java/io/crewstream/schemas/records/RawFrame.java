package io.crewstream.schemas.records;

import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * A value on {@link io.crewstream.schemas.Topic#RAW_FRAMES}: one inbound frame from a gateway as received, for
 * replay and debugging. Only inbound frames are recorded (the outbound {@code connect} request carries the token).
 *
 * @param frameType {@code req}, {@code res}, {@code event}, or {@code malformed} when the text is not a JSON frame
 * @param event the event name for event frames
 * @param seq the frame's {@code seq}, when it has one
 * @param sizeBytes the frame's size in UTF-8 bytes as received
 * @param truncated whether {@code text} was cut to fit a Kafka record; {@code sizeBytes} still tells the real size
 */
public record RawFrame(Integer schemaVersion, String connectionId, Long receivedAt, String frameType, String event,
        Long seq, Integer sizeBytes, Boolean truncated, String text) {

    private static final String RECORD = "RawFrame";

    public RawFrame {
        SchemaVersion.require(schemaVersion, RECORD);
        Require.connectionId(connectionId, RECORD);
        Require.notNegative(receivedAt, RECORD, "receivedAt");
        Require.text(frameType, RECORD, "frameType");
        Require.present(sizeBytes, RECORD, "sizeBytes");
        Require.present(truncated, RECORD, "truncated");
        Require.present(text, RECORD, "text");
    }

    public static RawFrame of(String connectionId, long receivedAt, String frameType, String event, Long seq,
            int sizeBytes, boolean truncated, String text) {
        return new RawFrame(SchemaVersion.CURRENT, connectionId, receivedAt, frameType, event, seq, sizeBytes,
                truncated, text);
    }
}

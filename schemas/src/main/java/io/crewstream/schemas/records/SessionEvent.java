package io.crewstream.schemas.records;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

/**
 * A value on {@link io.crewstream.schemas.Topic#SESSION_EVENTS}: what the ingestor learned about one upstream
 * connection's sessions. The {@code type} property tells the three kinds apart.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = SnapshotChunk.class, name = "snapshot-chunk"),
        @JsonSubTypes.Type(value = SessionUpserted.class, name = "session-upserted"),
        @JsonSubTypes.Type(value = SessionRemoved.class, name = "session-removed") })
public sealed interface SessionEvent permits SnapshotChunk, SessionUpserted, SessionRemoved {

    Integer schemaVersion();

    /** The upstream connection; also the record key, so one connection's events stay in order. */
    String connectionId();

    /** Epoch ms at which the ingestor received the upstream frame(s) behind this event. */
    Long observedAt();
}

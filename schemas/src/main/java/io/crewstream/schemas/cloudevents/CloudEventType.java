package io.crewstream.schemas.cloudevents;

import io.crewstream.schemas.Payload;
import io.crewstream.schemas.Topic;

/**
 * The CloudEvents {@code type} of every record crewstream writes, versioned like the topics: {@code .v1} types on
 * {@code .v1} topics. Each names the topic it goes to and the schema of its data ({@code dataschema}).
 */
public enum CloudEventType {

    /** One chunk of a full snapshot of a gateway's sessions. */
    SNAPSHOT_CHUNK("io.crewstream.session.snapshot-chunk.v1", Topic.SESSION_EVENTS),

    /** The gateway reported a session's current row. */
    SESSION_UPSERTED("io.crewstream.session.upserted.v1", Topic.SESSION_EVENTS),

    /** The gateway reported a session gone. */
    SESSION_REMOVED("io.crewstream.session.removed.v1", Topic.SESSION_EVENTS),

    /** A re-list found the gateway's sessions as published, once the differences before it are applied. */
    SESSIONS_VERIFIED("io.crewstream.session.verified.v1", Topic.SESSION_VERIFICATIONS),

    /** A reader of the session events asked for a full snapshot of a gateway. */
    SNAPSHOT_REQUESTED("io.crewstream.session.snapshot-requested.v1", Topic.SNAPSHOT_REQUESTS),

    /** The ingestor's link to a gateway changed state. */
    CONNECTION_STATUS("io.crewstream.connection.status-changed.v1", Topic.CONNECTION_STATUS),

    /** One frame as the gateway sent it. */
    RAW_FRAME("io.crewstream.gateway.frame-received.v1", Topic.RAW_FRAMES),

    /** An agent run began. */
    RUN_STARTED("io.crewstream.run.started.v1", Topic.RUN_EVENTS),

    /** A tool call of an agent run began. */
    RUN_TOOL_STARTED("io.crewstream.run.tool-started.v1", Topic.RUN_EVENTS),

    /** A tool call of an agent run returned. */
    RUN_TOOL_ENDED("io.crewstream.run.tool-ended.v1", Topic.RUN_EVENTS),

    /** An agent run ended (completed, failed or aborted). */
    RUN_ENDED("io.crewstream.run.ended.v1", Topic.RUN_EVENTS),

    /** A gateway's agent list, as read after a (re)connect or a change. */
    AGENTS_LISTED("io.crewstream.agents.listed.v1", Topic.AGENT_LISTS),

    /** A session appeared in the table. */
    SESSION_STATE_CREATED("io.crewstream.session-state.created.v1", Topic.SESSION_STATE),

    /** A session's row in the table changed. */
    SESSION_STATE_UPDATED("io.crewstream.session-state.updated.v1", Topic.SESSION_STATE),

    /** A session left the table (a tombstone: the record has no value, and so no data). */
    SESSION_STATE_REMOVED("io.crewstream.session-state.removed.v1", Topic.SESSION_STATE),

    /** What a session is doing changed. */
    SESSION_ACTIVITY_UPDATED("io.crewstream.session-activity.updated.v1", Topic.SESSION_ACTIVITY),

    /** A session's activity left the table with the session (a tombstone). */
    SESSION_ACTIVITY_REMOVED("io.crewstream.session-activity.removed.v1", Topic.SESSION_ACTIVITY),

    /** An agent's row (status, session counts, current tool, last error) changed. */
    AGENT_STATE_UPDATED("io.crewstream.agent-state.updated.v1", Topic.AGENT_STATE),

    /** An agent left the table: no longer listed and without sessions (a tombstone). */
    AGENT_STATE_REMOVED("io.crewstream.agent-state.removed.v1", Topic.AGENT_STATE),

    /** A gateway's row in the table changed. */
    CONNECTION_STATE("io.crewstream.connection-state.updated.v1", Topic.CONNECTION_STATE),

    /** A consumer gave up on a record. */
    DEAD_LETTER("io.crewstream.dead-letter.v1", Topic.DEAD_LETTERS),

    /** A minute of one agent's usage, new or updated. */
    AGENT_USAGE("io.crewstream.agent-usage.minute.v1", Topic.AGENT_USAGE);

    private final String type;
    private final Topic topic;

    CloudEventType(String type, Topic topic) {
        this.type = type;
        this.topic = topic;
    }

    /** The {@code ce_type} value. */
    public String type() {
        return this.type;
    }

    public Topic topic() {
        return this.topic;
    }

    /** The {@code ce_dataschema} value: the {@code $id} of the JSON Schema of the record's value. */
    public String dataSchema() {
        Payload payload = this.topic.value();
        return payload.schemaId();
    }
}

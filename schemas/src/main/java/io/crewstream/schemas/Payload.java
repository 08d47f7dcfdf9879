package io.crewstream.schemas;

import java.util.List;

import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotRequest;
import io.crewstream.schemas.sse.AgentsRefresh;
import io.crewstream.schemas.sse.AuthExpired;
import io.crewstream.schemas.sse.GatewayStatus;
import io.crewstream.schemas.sse.PipelineStatus;
import io.crewstream.schemas.sse.SessionRemovedPayload;
import io.crewstream.schemas.sse.SessionsRefresh;
import io.crewstream.schemas.sse.SseAgent;
import io.crewstream.schemas.sse.SseSession;
import io.crewstream.schemas.sse.StreamTicket;

/**
 * Every value shape that crosses a process boundary, with its Java type, its JSON Schema and its golden examples
 * (all shipped in this jar under {@code crewstream/}). Topic values and SSE payloads alike are listed here so that
 * tests can check every one of them and consumers in other languages can find the schema for a name.
 */
public enum Payload {

    SESSION_EVENT("session-event", SessionEvent.class,
            List.of("session-event.snapshot-chunk", "session-event.session-upserted", "session-event.session-removed")),
    SESSIONS_VERIFIED("sessions-verified", SessionsVerified.class, List.of("sessions-verified")),
    SNAPSHOT_REQUEST("snapshot-request", SnapshotRequest.class, List.of("snapshot-request")),
    CONNECTION_STATUS("connection-status", ConnectionStatusEvent.class,
            List.of("connection-status", "connection-status.after-kafka-outage")),
    RAW_FRAME("raw-frame", RawFrame.class, List.of("raw-frame")),
    RUN_EVENT("run-event", RunEvent.class,
            List.of("run-event.run-started", "run-event.tool-started", "run-event.tool-ended",
                    "run-event.run-ended.error")),
    AGENT_LIST("agent-list", AgentList.class, List.of("agent-list")),
    SESSION_STATE("session-state", SessionState.class, List.of("session-state")),
    CONNECTION_STATE("connection-state", ConnectionState.class, List.of("connection-state")),
    SESSION_ACTIVITY("session-activity", SessionActivity.class,
            List.of("session-activity.running-tool", "session-activity.error")),
    AGENT_STATE("agent-state", AgentState.class, List.of("agent-state")),
    DEAD_LETTER("dead-letter", DeadLetter.class, List.of("dead-letter")),
    AGENT_USAGE("agent-usage", AgentUsageMinute.class, List.of("agent-usage", "agent-usage.no-agent")),

    SSE_SESSIONS_REFRESH("sse-sessions-refresh", SessionsRefresh.class, List.of("sse-sessions-refresh")),
    SSE_SESSION("sse-session", SseSession.class, List.of("sse-session")),
    SSE_AGENTS_REFRESH("sse-agents-refresh", AgentsRefresh.class, List.of("sse-agents-refresh")),
    SSE_AGENT("sse-agent", SseAgent.class, List.of("sse-agent")),
    SSE_SESSION_REMOVED("sse-session-removed", SessionRemovedPayload.class, List.of("sse-session-removed")),
    SSE_GATEWAY_STATUS("sse-gateway-status", GatewayStatus.class,
            List.of("sse-gateway-status", "sse-gateway-status.paused")),
    SSE_PIPELINE_STATUS("sse-pipeline-status", PipelineStatus.class,
            List.of("sse-pipeline-status.live", "sse-pipeline-status.paused")),
    SSE_AUTH_EXPIRED("sse-auth-expired", AuthExpired.class, List.of("sse-auth-expired")),
    /** Not an event: the body of {@code POST /api/stream-tickets}. */
    STREAM_TICKET("stream-ticket", StreamTicket.class, List.of("stream-ticket"));

    /** Base of every schema's {@code $id}; it maps onto the classpath folder {@link #SCHEMA_FOLDER}. */
    public static final String SCHEMA_ID_BASE = "https://crewstream.io/schemas/v" + SchemaVersion.CURRENT + "/";
    public static final String SCHEMA_FOLDER = "crewstream/schemas/v" + SchemaVersion.CURRENT + "/";
    public static final String EXAMPLE_FOLDER = "crewstream/examples/v" + SchemaVersion.CURRENT + "/";

    private final String schemaName;
    private final Class<?> javaType;
    private final List<String> exampleNames;

    Payload(String schemaName, Class<?> javaType, List<String> exampleNames) {
        this.schemaName = schemaName;
        this.javaType = javaType;
        this.exampleNames = exampleNames;
    }

    public String schemaName() {
        return this.schemaName;
    }

    public Class<?> javaType() {
        return this.javaType;
    }

    /** The schema's {@code $id}. */
    public String schemaId() {
        return SCHEMA_ID_BASE + this.schemaName + ".schema.json";
    }

    /** Classpath resource of the JSON Schema (draft 2020-12). */
    public String schemaResource() {
        return SCHEMA_FOLDER + this.schemaName + ".schema.json";
    }

    /** Classpath resources of the golden examples; each validates against the schema and round-trips unchanged. */
    public List<String> exampleResources() {
        return this.exampleNames.stream().map(name -> EXAMPLE_FOLDER + name + ".json").toList();
    }
}

package io.crewstream.schemas.sse;

import io.crewstream.schemas.Payload;

/**
 * The events of the browser stream {@code GET /api/events}. The names are CrewHub's ({@code useSessionsStream}
 * listens for exactly these); a misspelt name here is the seed failure "UI stays empty forever", which is why no
 * other module spells them.
 */
public enum SseEventType {

    /** The full state: every session and every gateway's status. Sent on connect and whenever a client must reload. */
    SESSIONS_REFRESH("sessions-refresh", Payload.SSE_SESSIONS_REFRESH),
    /** A session appeared; the payload is the full session. */
    SESSION_CREATED("session-created", Payload.SSE_SESSION),
    /** A session changed; the payload is the full session (never a partial row). */
    SESSION_UPDATED("session-updated", Payload.SSE_SESSION),
    /** A session is gone: {@code {key, connectionId}}. */
    SESSION_REMOVED("session-removed", Payload.SSE_SESSION_REMOVED),
    /**
     * Every agent of every gateway ({@code {agents: [...]}}, the body of {@code GET /api/agents}). Sent on connect, on
     * resume, and when an agent leaves (CrewHub has no removal event for agents; the whole list replaces its own).
     */
    AGENTS_REFRESH("agents-refresh", Payload.SSE_AGENTS_REFRESH),
    /** An agent appeared or changed (status, session counts, current tool); the payload is the full agent. */
    AGENT_UPDATED("agent-updated", Payload.SSE_AGENT),
    /** An upstream gateway connection changed state. */
    GATEWAY_STATUS("gateway-status", Payload.SSE_GATEWAY_STATUS),
    /**
     * Whether the stream is live or paused (the SSE gateway cannot vouch for its view). Ours, not CrewHub's: a
     * client that does not listen for it loses nothing but the banner.
     */
    PIPELINE_STATUS("pipeline-status", Payload.SSE_PIPELINE_STATUS),
    /**
     * The stream's access has expired ({@link AuthExpired}); the server closes the stream right after this event.
     * Ours, not CrewHub's. A client gets a new stream ticket and resumes with its last event id.
     */
    AUTH_EXPIRED("auth-expired", Payload.SSE_AUTH_EXPIRED);

    private final String eventName;
    private final Payload payload;

    SseEventType(String eventName, Payload payload) {
        this.eventName = eventName;
        this.payload = payload;
    }

    /** The SSE {@code event:} field. */
    public String eventName() {
        return this.eventName;
    }

    public Payload payload() {
        return this.payload;
    }
}

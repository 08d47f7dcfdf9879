package io.crewstream.schemas.sse;

import java.util.List;

import io.crewstream.schemas.Require;
import io.crewstream.schemas.SchemaVersion;

/**
 * Payload of {@code sessions-refresh}, and the body of {@code GET /api/sessions}: the whole state at one position.
 * An empty {@code sessions} list is sent like any other (the seed never sent empty lists).
 *
 * @param position the resume token of this state; the same value as the event's {@code id:}
 * @param pipeline whether this state is being kept up to date ({@link PipelineStatus}); absent from servers older
 *     than the field
 */
public record SessionsRefresh(Integer schemaVersion, List<SseSession> sessions, List<GatewayStatus> gateways,
        String position, PipelineStatus pipeline) {

    private static final String RECORD = "SessionsRefresh";

    public SessionsRefresh {
        SchemaVersion.require(schemaVersion, RECORD);
        sessions = List.copyOf(Require.present(sessions, RECORD, "sessions"));
        gateways = List.copyOf(Require.present(gateways, RECORD, "gateways"));
        Require.text(position, RECORD, "position");
    }

    public static SessionsRefresh of(List<SseSession> sessions, List<GatewayStatus> gateways, String position,
            PipelineStatus pipeline) {
        return new SessionsRefresh(SchemaVersion.CURRENT, sessions, gateways, position, pipeline);
    }
}

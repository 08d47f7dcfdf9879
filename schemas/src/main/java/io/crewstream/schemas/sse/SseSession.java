package io.crewstream.schemas.sse;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.records.SessionRow;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A session as the browser sees it: every field the gateway sent, flat, plus {@code connectionId}. This is the
 * shape of CrewHub's {@code CrewSession} (which identifies rows by {@code key}) extended by the connection, so one
 * dashboard can show several gateways. A gateway field named {@code connectionId} would be overwritten.
 */
public record SseSession(String connectionId, SessionRow row) {

    public static final String CONNECTION_ID_FIELD = "connectionId";

    private static final String RECORD = "SseSession";

    public SseSession {
        Require.connectionId(connectionId, RECORD);
        Require.present(row, RECORD, "row");
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static SseSession fromJson(ObjectNode json) {
        JsonNode connectionId = json.get(CONNECTION_ID_FIELD);
        ObjectNode row = json.deepCopy();
        row.remove(CONNECTION_ID_FIELD);
        return new SseSession(connectionId == null || !connectionId.isString() ? null : connectionId.asString(),
                SessionRow.of(row));
    }

    @JsonValue
    ObjectNode toJson() {
        ObjectNode json = this.row.fields();
        json.put(CONNECTION_ID_FIELD, this.connectionId);
        return json;
    }

    public String key() {
        return this.row.key();
    }
}

package io.crewstream.schemas.sse;

import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.crewstream.schemas.Require;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A session as the browser sees it: every field the gateway sent, flat, plus {@code connectionId}, and what the
 * session is doing. This is the shape of CrewHub's {@code CrewSession} (which identifies rows by {@code key})
 * extended by the connection, so one dashboard can show several gateways.
 *
 * <p>Fields crewstream sets over the gateway's (a gateway field of the same name is overwritten):
 * <ul>
 * <li>{@code connectionId};</li>
 * <li>{@code status}: CrewHub's — {@code active} while a run is in progress, else {@code idle}. CrewHub keeps only
 * sessions whose status it knows, and the gateway's run statuses ({@code running}, {@code done}, …) are not among
 * them; the gateway's value moves to {@code runStatus};</li>
 * <li>{@code activity} ({@link SseActivity}), {@code activityDetail} and {@code activityToolName} (CrewHub's
 * names): present once the projector has folded a run event of the session.</li>
 * </ul>
 *
 * @param activity what the session is doing; null while no run event of it has been seen
 */
public record SseSession(String connectionId, SessionRow row, SseActivity activity) {

    public static final String CONNECTION_ID_FIELD = "connectionId";
    public static final String STATUS_FIELD = "status";
    public static final String RUN_STATUS_FIELD = "runStatus";
    public static final String ACTIVITY_FIELD = "activity";
    public static final String ACTIVITY_DETAIL_FIELD = "activityDetail";
    public static final String ACTIVITY_TOOL_NAME_FIELD = "activityToolName";

    /** CrewHub's session status while a run is in progress. */
    public static final String ACTIVE = "active";
    /** CrewHub's session status otherwise. */
    public static final String IDLE = "idle";

    /** The gateway run statuses that mean a run is in progress, for a session whose activity is not known yet. */
    private static final Set<String> BUSY_RUN_STATUSES = Set.of("running", "queued");

    private static final String RECORD = "SseSession";

    public SseSession {
        Require.connectionId(connectionId, RECORD);
        Require.present(row, RECORD, "row");
    }

    /** A session whose activity is not known. */
    public SseSession(String connectionId, SessionRow row) {
        this(connectionId, row, null);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static SseSession fromJson(ObjectNode json) {
        JsonNode connectionId = json.get(CONNECTION_ID_FIELD);
        JsonNode activity = json.get(ACTIVITY_FIELD);
        JsonNode runStatus = json.get(RUN_STATUS_FIELD);
        ObjectNode row = json.deepCopy();
        row.remove(Set.of(CONNECTION_ID_FIELD, ACTIVITY_FIELD, ACTIVITY_DETAIL_FIELD, ACTIVITY_TOOL_NAME_FIELD,
                STATUS_FIELD, RUN_STATUS_FIELD));
        if (runStatus != null) {
            row.set(STATUS_FIELD, runStatus);
        }
        return new SseSession(connectionId == null || !connectionId.isString() ? null : connectionId.asString(),
                SessionRow.of(row), activity == null || !activity.isObject() ? null
                        : ContractJson.mapper().treeToValue(activity, SseActivity.class));
    }

    @JsonValue
    ObjectNode toJson() {
        ObjectNode json = this.row.fields();
        json.remove(RUN_STATUS_FIELD);
        String runStatus = this.row.status();
        if (runStatus != null) {
            json.put(RUN_STATUS_FIELD, runStatus);
        }
        json.put(STATUS_FIELD, crewHubStatus());
        json.remove(Set.of(ACTIVITY_FIELD, ACTIVITY_DETAIL_FIELD, ACTIVITY_TOOL_NAME_FIELD));
        if (this.activity != null) {
            json.set(ACTIVITY_FIELD, ContractJson.mapper().valueToTree(this.activity));
            if (this.activity.detail() != null) {
                json.put(ACTIVITY_DETAIL_FIELD, this.activity.detail());
            }
            if (this.activity.toolName() != null && this.activity.state().busy()) {
                json.put(ACTIVITY_TOOL_NAME_FIELD, this.activity.toolName());
            }
        }
        json.put(CONNECTION_ID_FIELD, this.connectionId);
        return json;
    }

    /** {@code active} while a run is in progress (by the activity, else by the gateway's row), else {@code idle}. */
    public String crewHubStatus() {
        boolean busy = this.activity != null ? this.activity.state().busy()
                : this.row.fields().path("hasActiveRun").asBoolean(false)
                        || (this.row.status() != null && BUSY_RUN_STATUSES.contains(this.row.status()));
        return busy ? ACTIVE : IDLE;
    }

    /** The same session with another activity. */
    public SseSession withActivity(SseActivity newActivity) {
        return new SseSession(this.connectionId, this.row, newActivity);
    }

    public String key() {
        return this.row.key();
    }
}

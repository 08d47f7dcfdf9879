package io.crewstream.schemas.records;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.crewstream.schemas.InvalidFieldException;
import io.crewstream.schemas.MissingFieldException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One session exactly as the OpenClaw gateway sent it. The gateway's row is open-ended (dozens of optional fields,
 * more in every release), so the row keeps the whole JSON object and exposes the well-known fields through typed
 * accessors; nothing is lost on the way from the gateway to the browser.
 *
 * <p>Immutable: the JSON object is copied on the way in ({@link #of}; {@link #adopt} takes over a node nobody
 * changes afterwards) and on the way out.
 */
public final class SessionRow {

    /**
     * Fields that change on every read without the session changing (the time the gateway took the snapshot).
     * They are carried along but do not count as a change.
     */
    public static final Set<String> VOLATILE_FIELDS = Set.of("snapshotAt", "ts");

    private static final String RECORD = "SessionRow";

    private final ObjectNode fields;

    private SessionRow(ObjectNode fields) {
        this.fields = fields;
    }

    /**
     * A row of a copy of {@code fields}: the caller may go on using and changing its node.
     * @throws MissingFieldException if the row has no non-blank string {@code key}
     */
    public static SessionRow of(ObjectNode fields) {
        return adopt(fields == null ? null : fields.deepCopy());
    }

    /**
     * A row that takes {@code fields} over without copying it: the node now belongs to the row, and the caller must
     * neither change it nor hand it to code that may, afterwards (the row would change with it, and it is meant to be
     * immutable). For those who parsed the node themselves and drop it (the deserializer, a gateway frame's rows): a
     * 10,000-session snapshot is 20 MB of rows, and copying each one as it is read doubled the cost of reading it.
     * @throws MissingFieldException if the row has no non-blank string {@code key}
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static SessionRow adopt(ObjectNode fields) {
        if (fields == null) {
            throw new MissingFieldException(RECORD, "(row)");
        }
        JsonNode key = fields.get("key");
        if (key == null || key.isNull()) {
            throw new MissingFieldException(RECORD, "key");
        }
        if (!key.isString() || key.asString().isBlank()) {
            throw new InvalidFieldException(RECORD, "key", "must be a non-blank string but was " + key);
        }
        return new SessionRow(fields);
    }

    /** The row as JSON; a copy, so callers may change it freely. */
    public ObjectNode fields() {
        return this.fields.deepCopy();
    }

    @JsonValue
    private ObjectNode json() {
        return this.fields;
    }

    public String key() {
        return this.fields.get("key").asString();
    }

    /** {@code direct}, {@code group}, {@code global} or {@code unknown}; may be null on lenient upstreams. */
    public String kind() {
        return text("kind");
    }

    public String sessionId() {
        return text("sessionId");
    }

    public String label() {
        return text("label");
    }

    public String displayName() {
        return text("displayName");
    }

    public String channel() {
        return text("channel");
    }

    public String model() {
        return text("model");
    }

    /** Run status: {@code queued}, {@code running}, {@code done}, {@code failed}, {@code killed}, {@code timeout}. */
    public String status() {
        return text("status");
    }

    /** The row's {@code agentId}, else the agent segment of an {@code agent:<agentId>:<rest>} key, else null. */
    public String agentId() {
        String agentId = text("agentId");
        if (agentId != null) {
            return agentId;
        }
        return agentIdOfKey(key());
    }

    /** The agent segment of an {@code agent:<agentId>:<rest>} session key; null for a key of another form. */
    public static String agentIdOfKey(String sessionKey) {
        if (sessionKey == null) {
            return null;
        }
        String[] parts = sessionKey.split(":", 3);
        return parts.length == 3 && parts[0].equals("agent") && !parts[1].isEmpty() ? parts[1] : null;
    }

    /** Epoch milliseconds of the last change, as the gateway reports it; null when unknown. */
    public Long updatedAt() {
        return number("updatedAt");
    }

    public Long totalTokens() {
        return number("totalTokens");
    }

    public Long contextTokens() {
        return number("contextTokens");
    }

    /** Whether this row says the same as {@code other}, ignoring {@link #VOLATILE_FIELDS}. */
    public boolean sameContentAs(SessionRow other) {
        // Field by field, without copying either row (this runs for every row of every snapshot).
        if (contentSize(this.fields) != contentSize(other.fields)) {
            return false;
        }
        for (Map.Entry<String, JsonNode> field : this.fields.properties()) {
            if (!VOLATILE_FIELDS.contains(field.getKey()) && !field.getValue().equals(other.fields.get(field.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static int contentSize(ObjectNode node) {
        int size = node.size();
        for (String name : VOLATILE_FIELDS) {
            if (node.has(name)) {
                size--;
            }
        }
        return size;
    }

    private String text(String name) {
        JsonNode value = this.fields.get(name);
        return value != null && value.isString() ? value.asString() : null;
    }

    private Long number(String name) {
        JsonNode value = this.fields.get(name);
        return value != null && value.isNumber() ? value.asLong() : null;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SessionRow row && this.fields.equals(row.fields);
    }

    @Override
    public int hashCode() {
        return this.fields.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder names = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = this.fields.properties().iterator(); it.hasNext();) {
            names.append(it.next().getKey()).append(it.hasNext() ? "," : "");
        }
        return "SessionRow[key=" + key() + ", fields=" + names + "]";
    }
}

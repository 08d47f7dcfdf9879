package io.crewstream.replay.table;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import io.crewstream.schemas.records.SessionRow;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One field of a session row that differs between two versions: {@code old → new}, either side null when the field
 * is absent. Fields the gateway changes on every read ({@link SessionRow#VOLATILE_FIELDS}) do not count, as for the
 * projector.
 */
public record FieldChange(String field, JsonNode before, JsonNode after) {

    /** The fields that differ between two versions of a row, in name order. */
    public static List<FieldChange> between(SessionRow before, SessionRow after) {
        ObjectNode old = before.fields();
        ObjectNode now = after.fields();
        TreeSet<String> names = new TreeSet<>(old.propertyNames());
        names.addAll(now.propertyNames());
        names.removeAll(SessionRow.VOLATILE_FIELDS);
        List<FieldChange> changes = new ArrayList<>();
        for (String name : names) {
            JsonNode a = old.get(name);
            JsonNode b = now.get(name);
            if (a == null ? b != null : !a.equals(b)) {
                changes.add(new FieldChange(name, a, b));
            }
        }
        return changes;
    }

    /** {@code status: running → done}, with {@code (none)} for an absent side. */
    public String describe() {
        return this.field + ": " + text(this.before) + " → " + text(this.after);
    }

    private static String text(JsonNode value) {
        if (value == null) {
            return "(none)";
        }
        String text = value.isString() ? value.asString() : value.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}

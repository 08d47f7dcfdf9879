package io.crewstream.ssegateway.replay;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.crewstream.replay.kafka.FrameReplay;
import io.crewstream.replay.kafka.RetainedRange;
import io.crewstream.replay.table.Cause;
import io.crewstream.replay.table.ConnectionTableAt;
import io.crewstream.replay.table.FieldChange;
import io.crewstream.replay.table.SnapshotMark;
import io.crewstream.replay.table.TableChange;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The replay API's answers as JSON, with the contract's mapping ({@link ContractJson}). A session row is the
 * {@link SessionRow} as the gateway sent it (every field, the same object the live dashboard gets, there with
 * {@code connectionId} added; here the answer names the connection once), so the page renders both alike. Times are
 * ISO-8601 instants in UTC. Unlike the contract's records, whose absent fields are left out, these answers spell an
 * absent value as {@code null}: the page tells "no status yet" from a field it does not know. Stateless.
 */
final class ReplayJson {

    private ReplayJson() {
    }

    static ObjectNode object() {
        return ContractJson.mapper().createObjectNode();
    }

    static byte[] bytes(JsonNode json) {
        return ContractJson.mapper().writeValueAsBytes(json);
    }

    static ObjectNode connections(Collection<String> connections) {
        ObjectNode json = object();
        ArrayNode ids = json.putArray("connections");
        connections.forEach(ids::add);
        return json;
    }

    static ObjectNode range(String connection, RetainedRange range) {
        ObjectNode json = object();
        json.put("connection", connection);
        time(json, "earliest", range.earliest());
        time(json, "latest", range.latest());
        return json;
    }

    /** @param fields the row fields to write; null for every field */
    static ObjectNode state(ConnectionTableAt table, Set<String> fields) {
        ObjectNode json = object();
        json.put("connection", table.connectionId());
        time(json, "at", table.at());
        pojo(json, "status", table.status());
        json.set("basis", basis(table.basis()));
        json.put("exact", table.exact());
        json.putPOJO("sessions", new SessionRows(table.sessions().values(), fields));
        return json;
    }

    static ObjectNode step(String connection, Instant at, ChangeStepper.Direction direction,
            ChangeStepper.Step step) {
        ObjectNode json = object();
        json.put("connection", connection);
        time(json, "at", at);
        json.put("direction", direction.name().toLowerCase(Locale.ROOT));
        json.set("change", step == null ? null : change(step.change()));
        ArrayNode changes = json.putArray("changes");
        if (step != null) {
            step.atSameInstant().forEach(change -> changes.add(change(change)));
        }
        json.put("truncated", step != null && step.truncated());
        time(json, "moveTo", step == null ? null : step.moveTo());
        return json;
    }

    static ObjectNode change(TableChange change) {
        ObjectNode json = object();
        time(json, "at", change.at());
        json.put("connectionId", change.connectionId());
        json.put("sessionKey", change.sessionKey());
        json.put("kind", change.kind().wireName());
        ArrayNode fields = json.putArray("fields");
        for (FieldChange field : change.fields()) {
            ObjectNode entry = fields.addObject();
            entry.put("field", field.field());
            entry.set("before", field.before());
            entry.set("after", field.after());
        }
        json.set("cause", cause(change.cause()));
        json.set("after", row(change.after()));
        json.set("before", row(change.before()));
        return json;
    }

    /** One stored frame: when it was written and its offset, then the {@code RawFrame} fields as stored. */
    static ObjectNode frame(FrameReplay.Frame frame) {
        ObjectNode json = object();
        time(json, "at", frame.at());
        json.put("offset", frame.offset());
        try {
            JsonNode stored = ContractJson.mapper().readTree(frame.json());
            if (stored instanceof ObjectNode fields) {
                fields.remove(List.of("at", "offset"));
                json.setAll(fields);
                return json;
            }
        }
        catch (JacksonException ex) {
            // Not JSON: shown as such below, as the projector would dead-letter it.
        }
        json.put("unreadable", true);
        return json;
    }

    private static ObjectNode cause(Cause cause) {
        ObjectNode json = object();
        json.put("description", cause.describe());
        json.put("offset", cause.offset());
        json.put("snapshotId", cause.snapshotId());
        json.put("reason", cause.reason());
        json.put("upstreamSeq", cause.upstreamSeq());
        return json;
    }

    private static ObjectNode basis(SnapshotMark basis) {
        if (basis == null) {
            return null;
        }
        ObjectNode json = object();
        json.put("snapshotId", basis.snapshotId());
        json.put("reason", basis.reason());
        time(json, "at", basis.at());
        json.put("sessions", basis.sessions());
        json.put("firstOffset", basis.firstOffset());
        json.put("lastOffset", basis.lastOffset());
        return json;
    }

    private static JsonNode row(SessionRow row) {
        return row == null ? null : row.fields();
    }

    private static void time(ObjectNode json, String name, Instant time) {
        json.put(name, time == null ? null : time.toString());
    }

    private static void pojo(ObjectNode json, String name, Object value) {
        if (value == null) {
            json.putNull(name);
        }
        else {
            json.putPOJO(name, value);
        }
    }
}

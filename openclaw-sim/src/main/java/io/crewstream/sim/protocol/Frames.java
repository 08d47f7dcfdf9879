package io.crewstream.sim.protocol;

import java.util.UUID;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Builds the text of the three frame types ({@code req} is only read, never built here). */
public final class Frames {

    private Frames() {
    }

    public static String response(String id, JsonNode payload) {
        ObjectNode frame = Json.object().put("type", "res").put("id", id).put("ok", true);
        frame.set("payload", payload);
        return Json.write(frame);
    }

    public static String error(String id, GatewayError error) {
        ObjectNode frame = Json.object().put("type", "res").put("id", id).put("ok", false);
        frame.set("error", error.toJson());
        return Json.write(frame);
    }

    /**
     * An event frame from an already serialized payload, so that one broadcast serializes its payload once, not once
     * per connection.
     */
    public static String event(String event, String payloadJson, long seq) {
        return "{\"type\":\"event\",\"event\":" + Json.write(Json.mapper().getNodeFactory().stringNode(event))
                + ",\"payload\":" + payloadJson + ",\"seq\":" + seq + "}";
    }

    /** The challenge is the only event without {@code seq} (observed on 2026.9.6). */
    public static String challenge(UUID nonce, long ts) {
        ObjectNode payload = Json.object().put("nonce", nonce.toString()).put("ts", ts);
        GatewayProtocol.CHALLENGE_CAPABILITIES.forEach(payload.putArray("capabilities")::add);
        ObjectNode frame = Json.object().put("type", "event").put("event", Events.CONNECT_CHALLENGE);
        frame.set("payload", payload);
        return Json.write(frame);
    }
}

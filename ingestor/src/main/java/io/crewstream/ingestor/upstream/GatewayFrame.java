package io.crewstream.ingestor.upstream;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * One inbound protocol frame: a response ({@code res}) or an event. Fields a frame type does not use are null.
 *
 * @param payload the frame's {@code payload}, a {@link MissingNode} when absent
 * @param error the {@code error} of a failed response, a {@link MissingNode} when absent
 * @param root the whole frame
 */
record GatewayFrame(String type, String id, String event, Long seq, boolean ok, JsonNode payload, JsonNode error,
        JsonNode root) {

    static final String RESPONSE = "res";
    static final String EVENT = "event";
    static final String REQUEST = "req";
    /** Raw-frame type of text that is not a protocol frame (or not usable: oversized, binary). */
    static final String MALFORMED = "malformed";

    /** @throws MalformedFrameException saying what is wrong, in words safe to log */
    static GatewayFrame parse(String text) throws MalformedFrameException {
        JsonNode root;
        try {
            root = GatewayJson.mapper().readTree(text);
        }
        catch (JacksonException ex) {
            throw new MalformedFrameException("not JSON: " + ex.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new MalformedFrameException("not a JSON object");
        }
        JsonNode type = root.get("type");
        if (type == null || !type.isString()) {
            throw new MalformedFrameException("no string 'type'");
        }
        JsonNode payload = root.path("payload");
        JsonNode error = root.path("error");
        switch (type.asString()) {
            case RESPONSE -> {
                String id = requireText(root, "id");
                JsonNode ok = root.get("ok");
                if (ok == null || !ok.isBoolean()) {
                    throw new MalformedFrameException("response without boolean 'ok'");
                }
                return new GatewayFrame(RESPONSE, id, null, null, ok.asBoolean(), payload, error, root);
            }
            case EVENT -> {
                String event = requireText(root, "event");
                JsonNode seq = root.get("seq");
                Long seqValue = null;
                if (seq != null && !seq.isNull()) {
                    if (!seq.isIntegralNumber() || seq.asLong() < 0) {
                        throw new MalformedFrameException("event '" + event
                                + "' has a 'seq' that is not an integer >= 0");
                    }
                    seqValue = seq.asLong();
                }
                return new GatewayFrame(EVENT, null, event, seqValue, false, payload, error, root);
            }
            case REQUEST -> {
                return new GatewayFrame(REQUEST, root.path("id").asString(null), null, null, false, payload, error,
                        root);
            }
            default -> throw new MalformedFrameException("unknown frame type '" + abbreviate(type.asString()) + "'");
        }
    }

    private static String requireText(JsonNode root, String field) throws MalformedFrameException {
        JsonNode value = root.get(field);
        if (value == null || !value.isString() || value.asString().isEmpty()) {
            throw new MalformedFrameException("no string '" + field + "'");
        }
        return value.asString();
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }

    boolean isEvent(String name) {
        return EVENT.equals(this.type) && name.equals(this.event);
    }
}

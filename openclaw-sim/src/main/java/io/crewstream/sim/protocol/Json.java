package io.crewstream.sim.protocol;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The one JSON mapper of the simulator. Gateway frames are plain JSON trees, not our contract, so they are built and
 * read as {@link ObjectNode}s. The mapper is immutable and thread-safe.
 */
public final class Json {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();

    private Json() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }

    public static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    public static String write(JsonNode node) {
        return MAPPER.writeValueAsString(node);
    }

    /** Parses text; throws {@link tools.jackson.core.JacksonException} when it is not JSON. */
    public static JsonNode read(String text) {
        return MAPPER.readTree(text);
    }
}

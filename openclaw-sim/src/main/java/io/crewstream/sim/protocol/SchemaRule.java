package io.crewstream.sim.protocol;

import java.util.Optional;

import tools.jackson.databind.JsonNode;

/** Checks one JSON value of a params object; {@code path} is the value's JSON pointer ({@code ""} = root). */
@FunctionalInterface
public interface SchemaRule {

    /** @return the violation in the real gateway's wording, e.g. {@code at /limit: must be >= 1} */
    Optional<String> violation(JsonNode value, String path);
}

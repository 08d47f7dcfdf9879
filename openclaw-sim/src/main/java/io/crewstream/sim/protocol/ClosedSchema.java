package io.crewstream.sim.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import tools.jackson.databind.JsonNode;

/**
 * A closed JSON object schema (no additional properties) reporting the first violation in the wording of the real
 * gateway's validator, e.g. {@code at root: unexpected property 'x'} or {@code at /limit: must be >= 1}. Immutable.
 */
public final class ClosedSchema implements SchemaRule {

    private final Map<String, SchemaRule> properties;
    private final Set<String> required;

    private ClosedSchema(Map<String, SchemaRule> properties, Set<String> required) {
        // Insertion order is kept so that the first violation reported is deterministic.
        this.properties = Collections.unmodifiableMap(new LinkedHashMap<>(properties));
        this.required = Collections.unmodifiableSet(new LinkedHashSet<>(required));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Validates request params; a missing {@code params} counts as {@code {}}. */
    public Optional<String> violation(JsonNode params) {
        return violation(params == null || params.isNull() || params.isMissingNode() ? Json.object() : params, "");
    }

    @Override
    public Optional<String> violation(JsonNode value, String path) {
        if (!value.isObject()) {
            return Optional.of(at(path) + ": must be object");
        }
        for (String name : value.propertyNames()) {
            if (!properties.containsKey(name)) {
                return Optional.of(at(path) + ": unexpected property '" + name + "'");
            }
        }
        for (String name : required) {
            if (!value.has(name)) {
                // The real validator names no path for a missing property at the root (observed).
                String where = path.isEmpty() ? "" : at(path) + ": ";
                return Optional.of(where + "must have required property '" + name + "'");
            }
        }
        for (String name : value.propertyNames()) {
            Optional<String> violation = properties.get(name).violation(value.get(name), path + "/" + name);
            if (violation.isPresent()) {
                return violation;
            }
        }
        return Optional.empty();
    }

    static String at(String path) {
        return path.isEmpty() ? "at root" : "at " + path;
    }

    private static Optional<String> fail(String path, String message) {
        return Optional.of(at(path) + ": " + message);
    }

    public static SchemaRule integerAtLeast(long minimum) {
        return (value, path) -> {
            if (!value.isIntegralNumber()) {
                return fail(path, "must be integer");
            }
            return value.asLong() < minimum ? fail(path, "must be >= " + minimum) : Optional.empty();
        };
    }

    public static SchemaRule string() {
        return (value, path) -> value.isString() ? Optional.empty() : fail(path, "must be string");
    }

    public static SchemaRule nonEmptyString() {
        return (value, path) -> {
            if (!value.isString()) {
                return fail(path, "must be string");
            }
            return value.stringValue().isEmpty() ? fail(path, "must NOT have fewer than 1 characters") : Optional.empty();
        };
    }

    public static SchemaRule bool() {
        return (value, path) -> value.isBoolean() ? Optional.empty() : fail(path, "must be boolean");
    }

    public static SchemaRule boolOr(String literal) {
        return (value, path) -> value.isBoolean() || (value.isString() && literal.equals(value.stringValue()))
                ? Optional.empty() : fail(path, "must be boolean or \"" + literal + "\"");
    }

    public static SchemaRule stringArray() {
        return (value, path) -> {
            if (!value.isArray()) {
                return fail(path, "must be array");
            }
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isString()) {
                    return fail(path + "/" + i, "must be string");
                }
            }
            return Optional.empty();
        };
    }

    public static SchemaRule object() {
        return (value, path) -> value.isObject() ? Optional.empty() : fail(path, "must be object");
    }

    public static SchemaRule anyValue() {
        return (value, path) -> Optional.empty();
    }

    public static SchemaRule oneOf(Set<String> allowed) {
        return (value, path) -> value.isString() && allowed.contains(value.stringValue())
                ? Optional.empty() : fail(path, "must be equal to one of the allowed values");
    }

    /** Builds a {@link ClosedSchema}; not thread-safe, use on one thread. */
    public static final class Builder {

        private final Map<String, SchemaRule> properties = new LinkedHashMap<>();
        private final Set<String> required = new LinkedHashSet<>();

        private Builder() {
        }

        public Builder optional(String name, SchemaRule rule) {
            properties.put(name, rule);
            return this;
        }

        public Builder optional(SchemaRule rule, String... names) {
            for (String name : names) {
                properties.put(name, rule);
            }
            return this;
        }

        public Builder required(String name, SchemaRule rule) {
            properties.put(name, rule);
            required.add(name);
            return this;
        }

        public ClosedSchema build() {
            return new ClosedSchema(properties, required);
        }
    }
}

package io.crewstream.ssegateway.api;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.replay.time.TimeExpression;
import io.crewstream.schemas.ConnectionIds;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * Reads single-valued query parameters (the replay and usage APIs'), refusing what cannot be meant with a message that names the parameter
 * (an {@link InvalidRequestException}, answered 400): a missing or blank value, one given twice, a control
 * character, a connection id that breaks {@link ConnectionIds#RULE}, a number out of its bounds. Times are read by
 * {@link TimeExpression}, whose refusal is the engine's own {@code BAD_TIME} (also a 400). Stateless.
 */
public final class QueryParameters {

    /** The gateway connection id, in every API that takes one. */
    public static final String CONNECTION = "connection";

    /** Longer than any time expression or list of the row fields a page shows; a longer value is garbage. */
    private static final int MAX_LENGTH = 500;

    private QueryParameters() {
    }

    /**
     * Every query parameter with its values, decoded (the firewall has refused a query that cannot be decoded). A
     * parameter without {@code =} has one empty value.
     */
    public static Map<String, String[]> all(ServerHttpRequest request) {
        Map<String, String[]> parameters = new LinkedHashMap<>();
        request.getQueryParams().forEach((name, values) -> parameters.put(name,
                values.stream().map(value -> value == null ? "" : value).toArray(String[]::new)));
        return parameters;
    }

    /** The one value of a parameter; null when it is absent. */
    public static String optional(ServerHttpRequest request, String name) {
        List<String> values = request.getQueryParams().get(name);
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw new InvalidRequestException("?" + name + "= is given " + values.size() + " times; give it once");
        }
        String value = values.get(0);
        if (value == null) {
            // "?name" without "=": present, and as empty as "?name=".
            value = "";
        }
        if (value.isBlank()) {
            throw new InvalidRequestException("?" + name + "= is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new InvalidRequestException("?" + name + "= is longer than " + MAX_LENGTH + " characters");
        }
        if (value.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("?" + name + "= holds a control character");
        }
        return value.strip();
    }

    public static String required(ServerHttpRequest request, String name, String what) {
        String value = optional(request, name);
        if (value == null) {
            throw new InvalidRequestException("?" + name + "= is required: " + what);
        }
        return value;
    }

    public static String connection(ServerHttpRequest request) {
        return validConnection(required(request, CONNECTION, "the gateway connection id"));
    }

    /** One gateway's connection id, or null for all. */
    public static String optionalConnection(ServerHttpRequest request) {
        String connection = optional(request, CONNECTION);
        return connection == null ? null : validConnection(connection);
    }

    private static String validConnection(String connection) {
        if (!ConnectionIds.isValid(connection)) {
            throw new InvalidRequestException("?" + CONNECTION + "= is not a connection id: it "
                    + ConnectionIds.RULE);
        }
        return connection;
    }

    public static Instant time(ServerHttpRequest request, String name, Clock clock) {
        return TimeExpression.parse(required(request, name, "a time (ISO-8601 with an offset, epoch "
                + "milliseconds, now, or -15m / -2h)"), clock);
    }

    /** An optional time; null when absent. */
    public static Instant optionalTime(ServerHttpRequest request, String name, Clock clock) {
        String value = optional(request, name);
        return value == null ? null : TimeExpression.parse(value, clock);
    }

    /** A comma-separated list of names (row fields); null when absent. */
    public static Set<String> names(ServerHttpRequest request, String name, int max) {
        String value = optional(request, name);
        if (value == null) {
            return null;
        }
        Set<String> names = new LinkedHashSet<>();
        for (String item : value.split(",", -1)) {
            if (item.isBlank()) {
                throw new InvalidRequestException("?" + name + "= has an empty item; leave the parameter out for "
                        + "all");
            }
            names.add(item.strip());
        }
        if (names.size() > max) {
            throw new InvalidRequestException("?" + name + "= names more than " + max + " fields");
        }
        return names;
    }

    public static int number(ServerHttpRequest request, String name, int defaultValue, int min, int max) {
        String value = optional(request, name);
        if (value == null) {
            return defaultValue;
        }
        int number;
        try {
            number = Integer.parseInt(value);
        }
        catch (NumberFormatException ex) {
            throw new InvalidRequestException("?" + name + "= must be a whole number from " + min + " to " + max);
        }
        if (number < min || number > max) {
            throw new InvalidRequestException("?" + name + "= must be from " + min + " to " + max + " but was "
                    + number);
        }
        return number;
    }
}

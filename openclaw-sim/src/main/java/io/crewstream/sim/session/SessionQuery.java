package io.crewstream.sim.session;

import tools.jackson.databind.JsonNode;

/**
 * The subset of {@code sessions.list} params the simulator applies; the others are accepted (the schema is the real
 * one) and ignored.
 *
 * @param archived {@code null} = non-archived rows only (the default), else only rows with that flag
 * @param includeArchived {@code archived:"all"}: archived and non-archived rows
 */
public record SessionQuery(int limit, int offset, String agentId, String label, String search, Boolean archived,
        boolean includeArchived) {

    public static final int DEFAULT_LIMIT = 100;
    public static final String ALL_ARCHIVED = "all";

    /** Reads already-validated params (see {@code ParamSchemas.SESSIONS_LIST}). */
    public static SessionQuery from(JsonNode params) {
        JsonNode archived = params.path("archived");
        return new SessionQuery(
                params.path("limit").isIntegralNumber() ? (int) Math.min(params.get("limit").asLong(), Integer.MAX_VALUE)
                        : DEFAULT_LIMIT,
                params.path("offset").isIntegralNumber() ? (int) Math.min(params.get("offset").asLong(), Integer.MAX_VALUE)
                        : 0,
                text(params, "agentId"), text(params, "label"), text(params, "search"),
                archived.isBoolean() ? archived.booleanValue() : null,
                archived.isString() && ALL_ARCHIVED.equals(archived.stringValue()));
    }

    public static SessionQuery firstPage(int limit) {
        return new SessionQuery(limit, 0, null, null, null, null, false);
    }

    private static String text(JsonNode params, String name) {
        return params.path(name).isString() ? params.get(name).stringValue() : null;
    }

    boolean matches(JsonNode row) {
        if (agentId != null && !agentId.equals(row.path("agentId").asString(""))) {
            return false;
        }
        if (label != null && !label.equals(row.path("label").asString(""))) {
            return false;
        }
        if (search != null) {
            String needle = search.toLowerCase();
            boolean found = row.path("key").asString("").toLowerCase().contains(needle)
                    || row.path("label").asString("").toLowerCase().contains(needle)
                    || row.path("displayName").asString("").toLowerCase().contains(needle);
            if (!found) {
                return false;
            }
        }
        if (includeArchived) {
            return true;
        }
        boolean rowArchived = row.path("archived").asBoolean(false);
        return archived == null ? !rowArchived : archived == rowArchived;
    }
}

package io.crewstream.ingestor.upstream;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentList;
import tools.jackson.databind.JsonNode;

/**
 * An {@code agents.list} result ({@code {defaultId, mainKey, scope, agents:[{id, name?, identity?{name, theme, emoji,
 * avatar, avatarUrl}, model?{primary, fallbacks}, …}]}}) reduced to an {@link AgentList}. Lenient like the rest of
 * the result parsing: a row without a usable id, or repeating one, is left out and named in {@code rejected}; only
 * a result without an {@code agents} array is unusable. Pure.
 *
 * @param rejected what was left out, for the log
 */
record AgentListing(AgentList list, List<String> rejected) {

    /** @throws MalformedFrameException when the result has no {@code agents} array */
    static AgentListing from(String connectionId, JsonNode result, long observedAt) throws MalformedFrameException {
        JsonNode agents = result == null ? null : result.get("agents");
        if (agents == null || !agents.isArray()) {
            throw new MalformedFrameException("agents.list result without an 'agents' array");
        }
        List<AgentInfo> listed = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        Set<String> ids = new LinkedHashSet<>();
        int index = 0;
        for (JsonNode agent : agents) {
            String id = agent.isObject() ? text(agent.get("id")) : null;
            if (id == null) {
                rejected.add("agents[" + index + "] has no id");
            }
            else if (!ids.add(id)) {
                rejected.add("agents[" + index + "] repeats id '" + id + "'");
            }
            else {
                JsonNode identity = agent.path("identity");
                listed.add(new AgentInfo(id, text(agent.get("name")), text(identity.get("name")),
                        text(identity.get("emoji")), text(identity.get("theme")), webUrl(identity.get("avatarUrl")),
                        text(agent.path("model").get("primary"))));
            }
            index++;
        }
        try {
            return new AgentListing(AgentList.of(connectionId, text(result.get("defaultId")),
                    text(result.get("mainKey")), listed, observedAt), List.copyOf(rejected));
        }
        catch (ContractViolationException ex) {
            throw new MalformedFrameException("unusable agents.list result: " + ex.getMessage());
        }
    }

    /** Inline ({@code data:}) images can be megabytes: only addresses are carried. */
    private static String webUrl(JsonNode node) {
        String url = text(node);
        if (url == null) {
            return null;
        }
        String lower = url.toLowerCase(Locale.ROOT);
        return lower.startsWith("https://") || lower.startsWith("http://") ? url : null;
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }
}

package io.crewstream.ssegateway.usage;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The usage page's data: every agent's minutes of a span, from the agent-usage topic, as series a chart draws. The
 * topic may hold several versions of one minute (it is rewritten while late changes arrive); the last one read holds,
 * since an agent's minutes share a partition and are read in their order. Not thread-safe: one request builds one.
 */
final class UsageReport {

    /** By {@code <connectionId>/<agentId>}, then by minute. */
    private final Map<String, TreeMap<Long, AgentUsageMinute>> agents = new TreeMap<>();

    private long unreadable;

    void add(AgentUsageMinute minute) {
        this.agents.computeIfAbsent(minute.key(), key -> new TreeMap<>()).put(minute.minuteStart(), minute);
    }

    /** A record of the span that does not read as an {@link AgentUsageMinute}: left out, and counted. */
    void countUnreadable() {
        this.unreadable++;
    }

    long unreadable() {
        return this.unreadable;
    }

    /**
     * {@code {"from","to","unreadableRecords","agents":[{"connectionId","agentId","minutes":[{"minuteStart",
     * "tokensConsumed","activeSessions","sessionsCreated","sessionsRemoved","runsFinished"}]}]}}. A minute the agent has no record
     * for had no change: its active sessions are those of the minute before (the page carries them forward).
     */
    ObjectNode toJson(Instant from, Instant to) {
        ObjectNode json = ContractJson.mapper().createObjectNode();
        json.put("from", from.toString());
        json.put("to", to.toString());
        json.put("unreadableRecords", this.unreadable);
        ArrayNode list = json.putArray("agents");
        for (TreeMap<Long, AgentUsageMinute> minutes : this.agents.values()) {
            AgentUsageMinute first = minutes.firstEntry().getValue();
            ObjectNode agent = list.addObject();
            agent.put("connectionId", first.connectionId());
            agent.put("agentId", first.agentId());
            ArrayNode series = agent.putArray("minutes");
            for (AgentUsageMinute minute : minutes.values()) {
                ObjectNode point = series.addObject();
                point.put("minuteStart", minute.minuteStart());
                point.put("tokensConsumed", minute.tokensConsumed());
                point.put("activeSessions", minute.activeSessions());
                point.put("sessionsCreated", minute.sessionsCreated());
                point.put("sessionsRemoved", minute.sessionsRemoved());
                point.set("runsFinished", ContractJson.mapper().valueToTree(minute.runsFinished()));
            }
        }
        return json;
    }
}

package io.crewstream.agentusage.topology;

import java.time.Instant;

import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.AgentUsageMinute;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The CloudEvents headers of a usage record: id {@code <connectionId>/<agentId>/<minuteStart>/<version>} (the n-th
 * record of that minute; the stores and the outputs are committed together, so a change processed again after a crash
 * writes the same ids), type {@link CloudEventType#AGENT_USAGE}, source {@code /crewstream/agent-usage/<connectionId>},
 * subject the agent, time the minute's start. Stateless and thread-safe.
 */
final class UsageEvents {

    private UsageEvents() {
    }

    static String id(AgentUsageMinute minute, long version) {
        return minute.key() + "/" + minute.minuteStart() + "/" + version;
    }

    static Headers headers(AgentUsageMinute minute, long version) {
        return new CloudEvents(id(minute, version),
                CloudEvents.source(CloudEvents.Component.AGENT_USAGE, minute.connectionId()),
                CloudEventType.AGENT_USAGE, Instant.ofEpochMilli(minute.minuteStart()), minute.agentId())
                .writeTo(new RecordHeaders());
    }
}

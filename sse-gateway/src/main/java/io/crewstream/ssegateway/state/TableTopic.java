package io.crewstream.ssegateway.state;

import io.crewstream.schemas.Topic;

/** The compacted topics the gateway serves, in the order their offsets appear in a {@link Position}. */
public enum TableTopic {

    SESSIONS(Topic.SESSION_STATE), CONNECTIONS(Topic.CONNECTION_STATE), ACTIVITY(Topic.SESSION_ACTIVITY),
    AGENTS(Topic.AGENT_STATE);

    private final Topic topic;

    TableTopic(Topic topic) {
        this.topic = topic;
    }

    public Topic topic() {
        return this.topic;
    }
}

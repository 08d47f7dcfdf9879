package io.crewstream.schemas.serde;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotRequest;

/** The serde for each topic's values. Keys are plain UTF-8 strings ({@code Serdes.String()}). */
public final class ContractSerdes {

    private ContractSerdes() {
    }

    public static ContractSerde<SessionEvent> sessionEvents() {
        return new ContractSerde<>(SessionEvent.class);
    }

    public static ContractSerde<ConnectionStatusEvent> connectionStatus() {
        return new ContractSerde<>(ConnectionStatusEvent.class);
    }

    public static ContractSerde<RawFrame> rawFrames() {
        return new ContractSerde<>(RawFrame.class);
    }

    public static ContractSerde<SessionState> sessionState() {
        return new ContractSerde<>(SessionState.class);
    }

    public static ContractSerde<ConnectionState> connectionState() {
        return new ContractSerde<>(ConnectionState.class);
    }

    public static ContractSerde<RunEvent> runEvents() {
        return new ContractSerde<>(RunEvent.class);
    }

    public static ContractSerde<AgentList> agentLists() {
        return new ContractSerde<>(AgentList.class);
    }

    public static ContractSerde<SessionActivity> sessionActivity() {
        return new ContractSerde<>(SessionActivity.class);
    }

    public static ContractSerde<AgentState> agentState() {
        return new ContractSerde<>(AgentState.class);
    }

    public static ContractSerde<SessionsVerified> sessionVerifications() {
        return new ContractSerde<>(SessionsVerified.class);
    }

    public static ContractSerde<SnapshotRequest> snapshotRequests() {
        return new ContractSerde<>(SnapshotRequest.class);
    }

    public static ContractSerde<DeadLetter> deadLetters() {
        return new ContractSerde<>(DeadLetter.class);
    }

    /** The value serde of a topic, typed by what the caller expects. */
    @SuppressWarnings("unchecked")
    public static <T> ContractSerde<T> forTopic(Topic topic, Class<T> expectedType) {
        Class<?> type = topic.value().javaType();
        if (!expectedType.equals(type)) {
            throw new IllegalArgumentException(topic + " carries " + type.getSimpleName() + ", not "
                    + expectedType.getSimpleName());
        }
        return new ContractSerde<>((Class<T>) type);
    }

    /** A serde for any contract type, e.g. an SSE payload. */
    public static <T> ContractSerde<T> of(Class<T> type) {
        return new ContractSerde<>(type);
    }
}

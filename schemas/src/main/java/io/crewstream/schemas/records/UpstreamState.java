package io.crewstream.schemas.records;

import java.util.Arrays;
import java.util.stream.Collectors;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.crewstream.schemas.InvalidFieldException;

/** The state of the link between the ingestor and one upstream gateway. A closed set within a schema version. */
public enum UpstreamState {

    /** Opening the socket or handshaking. */
    CONNECTING("connecting"),
    /** Handshake done, subscribed, snapshot published. */
    CONNECTED("connected"),
    /** The link dropped (close, tick timeout, shutdown); reconnecting. */
    DISCONNECTED("disconnected"),
    /** The gateway rejected the credentials or granted too little scope; retrying slowly. */
    AUTH_FAILED("auth_failed"),
    /** Nothing answers at the configured URL (refused, DNS, timeout); retrying with backoff. */
    UNREACHABLE("unreachable");

    private final String wireName;

    UpstreamState(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return this.wireName;
    }

    @JsonCreator
    public static UpstreamState fromWireName(String wireName) {
        for (UpstreamState state : values()) {
            if (state.wireName.equals(wireName)) {
                return state;
            }
        }
        throw new InvalidFieldException("UpstreamState", "state", "must be one of "
                + Arrays.stream(values()).map(UpstreamState::wireName).collect(Collectors.joining(", "))
                + " but was '" + wireName + "'");
    }

    /** Whether sessions last seen over this link should be shown as possibly out of date. */
    public boolean sessionsStale() {
        return this != CONNECTED;
    }
}

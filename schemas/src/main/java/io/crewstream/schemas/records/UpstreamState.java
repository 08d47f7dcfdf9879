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

    /**
     * Whether the link is down: {@code disconnected}, {@code auth_failed} or {@code unreachable}. Then nothing the
     * gateway does reaches crewstream, so a run in progress cannot report its end. Not {@code connecting}: the
     * ingestor also reports it, with reason codes such as {@code awaiting_tick} or {@code snapshot_overdue}, while
     * the link is up and events flow, and a reconnect is always preceded by one of the states that are down.
     */
    public boolean linkDown() {
        return this == DISCONNECTED || this == AUTH_FAILED || this == UNREACHABLE;
    }

    /** Whether sessions last seen over this link should be shown as possibly out of date. */
    public boolean sessionsStale() {
        return this != CONNECTED;
    }
}

package io.crewstream.ingestor.ownership;

import java.time.Instant;

/**
 * One gateway as this instance stands with it, for health: its phase, and when and why that last changed.
 *
 * @param why in words, for operators: e.g. {@code released: revoked}
 */
public record GatewayStanding(GatewayPhase phase, Instant lastChange, String why) {

    /** Whether this instance owns the gateway (writer open, supervisor running). */
    public boolean ownedHere() {
        return this.phase instanceof GatewayPhase.Owned;
    }
}

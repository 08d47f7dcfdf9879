package io.crewstream.ssegateway.api;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;

/**
 * How many connections each client address holds, and whether one more may open ({@link OpenPerKey}): so that one
 * host cannot take every connection an instance can hold (thousands of half-open connections, say). Threading: as
 * {@link OpenPerKey}.
 */
public final class ConnectionsPerAddress extends OpenPerKey<InetAddress> {

    /** @param limit most open connections per address; 0 for no limit (connections are still counted) */
    public ConnectionsPerAddress(int limit, Duration logInterval, Clock clock) {
        super(limit, logInterval, clock);
    }
}

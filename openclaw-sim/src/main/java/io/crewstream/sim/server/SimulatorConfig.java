package io.crewstream.sim.server;

import java.time.Duration;
import java.util.Objects;

import io.crewstream.sim.run.ActivityPlan;
import io.crewstream.sim.session.AgentCatalog;

/**
 * Settings of one simulated gateway. Defaults match what {@code openclaw@2026.9.6} announces, except the port (0 =
 * pick a free one).
 *
 * @param host            interface to bind; loopback by default, as the real gateway's {@code --bind loopback}
 * @param port            0 picks a free port (see {@link OpenClawSimulator#port()})
 * @param token           the shared gateway token; never logged
 * @param tickInterval    {@code policy.tickIntervalMs} and the tick period
 * @param maxPayload      {@code policy.maxPayload}: largest inbound frame after auth
 * @param maxBufferedBytes {@code policy.maxBufferedBytes}: per-socket send buffer before events are dropped
 * @param handshakeTimeout time allowed between open and a successful {@code connect}
 * @param serverVersion   {@code hello-ok.server.version}
 * @param agents          the configured agents; the first is the default
 * @param activity        random agent runs started by the simulator itself; {@link ActivityPlan#OFF} by default
 */
public record SimulatorConfig(String host, int port, String token, Duration tickInterval, long maxPayload,
        long maxBufferedBytes, Duration handshakeTimeout, String serverVersion, AgentCatalog agents,
        ActivityPlan activity) {

    public static final int DEFAULT_PORT = 18789;
    public static final Duration DEFAULT_TICK_INTERVAL = Duration.ofSeconds(30);
    public static final long DEFAULT_MAX_PAYLOAD = 26_214_400;
    public static final long DEFAULT_MAX_BUFFERED_BYTES = 52_428_800;
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(15);
    public static final String DEFAULT_SERVER_VERSION = "2026.9.6-sim";

    public SimulatorConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(agents, "agents");
        Objects.requireNonNull(activity, "activity");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (token == null || token.isBlank()) {
            throw new IllegalArgumentException("a gateway token is required");
        }
        if (tickInterval.isNegative() || tickInterval.isZero()) {
            throw new IllegalArgumentException("tick interval must be positive, got " + tickInterval);
        }
        if (maxPayload < 1024) {
            throw new IllegalArgumentException("maxPayload must be >= 1024 bytes, got " + maxPayload);
        }
    }

    /** Loopback, a free port, real-gateway policy, one agent {@code main}. */
    public static SimulatorConfig defaults(String token) {
        return new SimulatorConfig("127.0.0.1", 0, token, DEFAULT_TICK_INTERVAL, DEFAULT_MAX_PAYLOAD,
                DEFAULT_MAX_BUFFERED_BYTES, DEFAULT_HANDSHAKE_TIMEOUT, DEFAULT_SERVER_VERSION, AgentCatalog.ofCount(1),
                ActivityPlan.OFF);
    }

    public SimulatorConfig withHost(String value) {
        return new SimulatorConfig(value, port, token, tickInterval, maxPayload, maxBufferedBytes, handshakeTimeout,
                serverVersion, agents, activity);
    }

    public SimulatorConfig withPort(int value) {
        return new SimulatorConfig(host, value, token, tickInterval, maxPayload, maxBufferedBytes, handshakeTimeout,
                serverVersion, agents, activity);
    }

    public SimulatorConfig withTickInterval(Duration value) {
        return new SimulatorConfig(host, port, token, value, maxPayload, maxBufferedBytes, handshakeTimeout,
                serverVersion, agents, activity);
    }

    public SimulatorConfig withMaxPayload(long value) {
        return new SimulatorConfig(host, port, token, tickInterval, value, maxBufferedBytes, handshakeTimeout,
                serverVersion, agents, activity);
    }

    public SimulatorConfig withHandshakeTimeout(Duration value) {
        return new SimulatorConfig(host, port, token, tickInterval, maxPayload, maxBufferedBytes, value,
                serverVersion, agents, activity);
    }

    public SimulatorConfig withAgents(AgentCatalog value) {
        return new SimulatorConfig(host, port, token, tickInterval, maxPayload, maxBufferedBytes, handshakeTimeout,
                serverVersion, value, activity);
    }

    public SimulatorConfig withActivity(ActivityPlan value) {
        return new SimulatorConfig(host, port, token, tickInterval, maxPayload, maxBufferedBytes, handshakeTimeout,
                serverVersion, agents, value);
    }

    /** Keeps the token out of logs and test reports. */
    @Override
    public String toString() {
        return "SimulatorConfig[host=" + host + ", port=" + port + ", token=***, tickInterval=" + tickInterval
                + ", maxPayload=" + maxPayload + ", maxBufferedBytes=" + maxBufferedBytes + ", handshakeTimeout="
                + handshakeTimeout + ", serverVersion=" + serverVersion + ", agents=" + agents + ", activity=" + activity + "]";
    }
}

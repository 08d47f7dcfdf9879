package io.crewstream.sim;

import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;

import io.crewstream.sim.control.ChurnPlan;
import io.crewstream.sim.run.ActivityPlan;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.sim.session.AgentCatalog;

/**
 * Command-line options of {@link SimulatorMain}. {@link #parse} throws {@link IllegalArgumentException} with a
 * message meant for the user on any bad argument.
 *
 * @param controlPort -1 = no control port
 */
record SimulatorOptions(String host, int port, String token, Duration tickInterval, int sessions, int agents,
        double changesPerSecond, int controlPort, long maxPayload, double runsPerMinute, long activitySeed,
        boolean help) {

    static final String DEFAULT_TOKEN = "crewstream-sim-token";

    static final String USAGE = """
            usage: openclaw-sim [options]
              --port N                 WebSocket port (default 18789, 0 = any free port)
              --host ADDRESS           interface to bind (default 127.0.0.1)
              --token TOKEN            shared gateway token (default $OPENCLAW_SIM_TOKEN, else "crewstream-sim-token")
              --tick-ms N              policy.tickIntervalMs and tick period (default 30000)
              --sessions N             sessions to create and churn (default 0 = none)
              --agents M               agents: main, agent-2 .. agent-M (default 1)
              --changes-per-second R   churn rate over all sessions (default 0; needs --sessions)
              --control-port N         HTTP control port on 127.0.0.1 (default: none; 0 = any free port)
              --max-payload BYTES      policy.maxPayload (default 26214400)
              --runs-per-minute N      random agent runs over all sessions (default 0 = none)
              --activity-seed N        seed of the random runs (default 42)
              --help                   this text""";

    static SimulatorOptions parse(String[] args, String tokenFromEnvironment) {
        String host = "127.0.0.1";
        int port = SimulatorConfig.DEFAULT_PORT;
        String token = tokenFromEnvironment == null || tokenFromEnvironment.isBlank() ? DEFAULT_TOKEN
                : tokenFromEnvironment;
        long tickMs = SimulatorConfig.DEFAULT_TICK_INTERVAL.toMillis();
        int sessions = 0;
        int agents = 1;
        double rate = 0;
        int controlPort = -1;
        long maxPayload = SimulatorConfig.DEFAULT_MAX_PAYLOAD;
        double runsPerMinute = 0;
        long activitySeed = ActivityPlan.OFF.seed();
        boolean help = false;
        Iterator<String> it = Arrays.asList(args).iterator();
        while (it.hasNext()) {
            String flag = it.next();
            switch (flag) {
                case "--help", "-h" -> help = true;
                case "--host" -> host = value(flag, it);
                case "--port" -> port = (int) number(flag, value(flag, it), 0, 65535);
                case "--token" -> token = value(flag, it);
                case "--tick-ms" -> tickMs = number(flag, value(flag, it), 1, Integer.MAX_VALUE);
                case "--sessions" -> sessions = (int) number(flag, value(flag, it), 0, 1_000_000);
                case "--agents" -> agents = (int) number(flag, value(flag, it), 1, 10_000);
                case "--changes-per-second" -> rate = decimal(flag, value(flag, it));
                case "--control-port" -> controlPort = (int) number(flag, value(flag, it), 0, 65535);
                case "--max-payload" -> maxPayload = number(flag, value(flag, it), 1024, Integer.MAX_VALUE);
                case "--runs-per-minute" -> runsPerMinute = decimal(flag, value(flag, it));
                case "--activity-seed" -> activitySeed = number(flag, value(flag, it), Long.MIN_VALUE, Long.MAX_VALUE);
                default -> throw new IllegalArgumentException("unknown option '" + flag + "'");
            }
        }
        if (token.isBlank()) {
            throw new IllegalArgumentException("--token must not be blank");
        }
        if (rate > 0 && sessions == 0) {
            throw new IllegalArgumentException("--changes-per-second needs --sessions > 0");
        }
        if (runsPerMinute > 0 && sessions == 0) {
            throw new IllegalArgumentException("--runs-per-minute needs --sessions > 0");
        }
        return new SimulatorOptions(host, port, token, Duration.ofMillis(tickMs), sessions, agents, rate, controlPort,
                maxPayload, runsPerMinute, activitySeed, help);
    }

    SimulatorConfig config() {
        return SimulatorConfig.defaults(token).withPort(port).withTickInterval(tickInterval).withMaxPayload(maxPayload)
                .withAgents(AgentCatalog.ofCount(agents)).withHost(host)
                .withActivity(new ActivityPlan(runsPerMinute, activitySeed));
    }

    /** @return null when no churn was asked for */
    ChurnPlan churnPlan() {
        return sessions == 0 ? null : new ChurnPlan(sessions, changesPerSecond);
    }

    private static String value(String flag, Iterator<String> it) {
        if (!it.hasNext()) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return it.next();
    }

    private static long number(String flag, String value, long min, long max) {
        long parsed;
        try {
            parsed = Long.parseLong(value);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(flag + " must be a whole number, got '" + value + "'");
        }
        if (parsed < min || parsed > max) {
            throw new IllegalArgumentException(flag + " must be between " + min + " and " + max + ", got " + parsed);
        }
        return parsed;
    }

    private static double decimal(String flag, String value) {
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException(flag + " must be a number, got '" + value + "'");
        }
        if (parsed < 0 || Double.isNaN(parsed) || Double.isInfinite(parsed)) {
            throw new IllegalArgumentException(flag + " must be >= 0, got " + value);
        }
        return parsed;
    }

    /** Keeps the token out of any printout. */
    @Override
    public String toString() {
        return "SimulatorOptions[host=" + host + ", port=" + port + ", token=***, tickInterval=" + tickInterval
                + ", sessions=" + sessions + ", agents=" + agents + ", changesPerSecond=" + changesPerSecond
                + ", controlPort=" + controlPort + ", maxPayload=" + maxPayload + ", runsPerMinute=" + runsPerMinute
                + ", activitySeed=" + activitySeed + "]";
    }
}

package io.crewstream.local.cli;

/**
 * The command line of {@code ./crewstream}.
 *
 * @param demo run a simulated OpenClaw gateway with changing sessions instead of connecting to a real one
 * @param fresh delete the kept data (embedded Kafka, projector stores) before starting
 * @param dashboardPort HTTP port of the dashboard and {@code /api/events}
 * @param kafkaPort client port of the embedded Kafka broker; its controller listens on the next port
 * @param help print the usage and exit
 */
public record LaunchOptions(boolean demo, boolean fresh, int dashboardPort, int kafkaPort, boolean help) {

    public static final int DEFAULT_DASHBOARD_PORT = 8080;
    public static final int DEFAULT_KAFKA_PORT = 19092;

    public static final String USAGE = """
            Usage: ./crewstream [--demo] [--fresh] [--port N] [--kafka-port N]
                   ./crewstream <command> [options]   (replay, state-at, diff, history, tail, export: see ./crewstream help)

            Runs the whole crewstream pipeline on this machine (Kafka, ingestor, projector, SSE gateway) and
            serves the live dashboard at http://localhost:<port>.

              --demo          connect to a simulated OpenClaw gateway with 40 changing sessions instead of yours
              --fresh         delete the kept data (.crewstream/kafka, .crewstream/projector) first
              --port N        dashboard port (default 8080)
              --kafka-port N  port of the embedded Kafka broker (default 19092; its controller uses N+1)
              --help          show this text

            Environment:
              none needed next to a local OpenClaw: its gateway's port and token are read from OpenClaw's own
              config ($OPENCLAW_CONFIG_PATH, else $OPENCLAW_STATE_DIR/openclaw.json, else ~/.openclaw/openclaw.json)
              OPENCLAW_GATEWAY_TOKEN   the gateway token, when that config has none
              CREWSTREAM_INGESTOR_UPSTREAMS_0_URL   another gateway address (see README: Configuration)
              KAFKA_BOOTSTRAP_SERVERS  use this Kafka cluster instead of the embedded broker
            """;

    /** @throws UsageException for an unknown option or a bad value */
    public static LaunchOptions parse(String... args) {
        boolean demo = false;
        boolean fresh = false;
        boolean help = false;
        int dashboardPort = DEFAULT_DASHBOARD_PORT;
        int kafkaPort = DEFAULT_KAFKA_PORT;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--demo" -> demo = true;
                case "--fresh" -> fresh = true;
                case "--help", "-h" -> help = true;
                case "--port" -> dashboardPort = port(arg, valueOf(args, ++i, arg));
                case "--kafka-port" -> kafkaPort = port(arg, valueOf(args, ++i, arg));
                default -> throw new UsageException("unknown option '" + arg + "'");
            }
        }
        if (kafkaPort == 65535) {
            throw new UsageException("--kafka-port must leave room for the controller port (N+1)");
        }
        return new LaunchOptions(demo, fresh, dashboardPort, kafkaPort, help);
    }

    private static String valueOf(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new UsageException(option + " needs a value");
        }
        return args[index];
    }

    private static int port(String option, String value) {
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        catch (NumberFormatException ex) {
            // Reported below with the value.
        }
        throw new UsageException(option + " must be a port number from 1 to 65535, not '" + value + "'");
    }
}

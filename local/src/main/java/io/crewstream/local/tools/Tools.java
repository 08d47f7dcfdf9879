package io.crewstream.local.tools;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.local.cli.LaunchOptions;
import io.crewstream.local.cli.UsageException;
import io.crewstream.replay.Replay;
import io.crewstream.replay.ReplayException;
import io.crewstream.replay.kafka.ReplaySource;
import io.crewstream.schemas.TopicNamespace;

/**
 * The subcommands of {@code ./crewstream} that read the topics back ({@code replay}, {@code state-at}, {@code diff},
 * {@code history}, {@code tail}, {@code export}) and {@code help}. Every one asks the replay engine; every bad input (an unknown
 * option, an unreadable time, an unknown connection, a time lost to retention, Kafka unreachable) is one line on
 * standard error and exit code 2. The answer goes to standard output, notes to standard error.
 *
 * <p>Runs on the caller's thread, one command per call.
 */
public final class Tools {

    static final List<Command> COMMANDS = List.of(new ReplayCommand(), new StateAtCommand(), new DiffCommand(),
            new HistoryCommand(), new TailCommand(), new ExportCommand());

    /** Options every command takes: where the pipeline's topics are. */
    static final Set<String> COMMON_OPTIONS = Set.of("topic-prefix", "kafka-port", "help");

    private static final String HELP = "help";

    private Tools() {
    }

    /** Whether {@code ./crewstream <arg> ...} is one of these commands rather than a run of the pipeline. */
    public static boolean isCommand(String arg) {
        return HELP.equals(arg) || COMMANDS.stream().anyMatch(command -> command.name().equals(arg));
    }

    /** {@code ./crewstream <command> ...} from the launcher's main: returns the exit code. */
    public static int main(String[] args, Path dataDirectory) {
        ToolLogging.quiet();
        PrintStream out = new PrintStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16),
                false, StandardCharsets.UTF_8);
        try {
            return run(args, out, System.err, System.getenv(), dataDirectory, Clock.systemUTC(), Thread::sleep);
        }
        finally {
            out.flush();
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err, Map<String, String> env, Path dataDirectory,
            Clock clock, ToolContext.Sleeper sleeper) {
        String name = args[0];
        if (HELP.equals(name)) {
            return help(Arrays.asList(args).subList(1, args.length), out, err);
        }
        Command command = COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
        ToolArgs parsed;
        try {
            Set<String> known = new HashSet<>(command.options());
            known.addAll(COMMON_OPTIONS);
            Set<String> flags = new HashSet<>(command.flags());
            flags.add(HELP);
            parsed = ToolArgs.parse(Arrays.asList(args).subList(1, args.length), known, flags);
        }
        catch (UsageException ex) {
            return fail(err, command, ex.getMessage() + " (usage: ./crewstream " + command.usage() + ")");
        }
        if (parsed.flag(HELP)) {
            out.println("Usage: ./crewstream " + command.usage());
            out.println("  " + command.summary());
            return 0;
        }
        String external = env.get("KAFKA_BOOTSTRAP_SERVERS");
        try {
            // Read before Kafka is opened: a bad one must not start a broker on the kept data first.
            TopicNamespace namespace = namespace(parsed.option("topic-prefix", ""));
            int port = port(parsed.option("kafka-port"));
            try (KafkaTarget target = KafkaTarget.open(external == null || external.isBlank() ? null
                    : external.trim(), dataDirectory, port, note -> err.println("crewstream: " + note))) {
                Replay replay = new Replay(new ReplaySource(target.bootstrapServers(), namespace));
                command.run(parsed, new ToolContext(replay, out, err, clock, sleeper));
                out.flush();
                return 0;
            }
        }
        catch (UsageException ex) {
            return fail(err, command, ex.getMessage() + " (usage: ./crewstream " + command.usage() + ")");
        }
        catch (ReplayException | ToolException ex) {
            return fail(err, command, ex.getMessage());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }

    private static TopicNamespace namespace(String prefix) {
        try {
            return new TopicNamespace(prefix);
        }
        catch (IllegalArgumentException ex) {
            // The rule is the schemas' own message, not spelt again here.
            throw new UsageException("--topic-prefix: " + ex.getMessage());
        }
    }

    private static int port(String text) {
        if (text == null) {
            return LaunchOptions.DEFAULT_KAFKA_PORT;
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        catch (NumberFormatException ex) {
            // Answered below.
        }
        throw new UsageException("--kafka-port must be a port number from 1 to 65535, not '" + text + "'");
    }

    private static int fail(PrintStream err, Command command, String message) {
        // One line whatever the message echoes back (a value typed with a line break in it).
        err.println("crewstream " + command.name() + ": " + message.replaceAll("\\R", " "));
        return 2;
    }

    private static int help(List<String> args, PrintStream out, PrintStream err) {
        if (!args.isEmpty()) {
            Command command = COMMANDS.stream().filter(c -> c.name().equals(args.get(0))).findFirst().orElse(null);
            if (command == null) {
                err.println("crewstream help: no command '" + args.get(0) + "'");
                return 2;
            }
            out.println("Usage: ./crewstream " + command.usage());
            out.println("  " + command.summary());
            return 0;
        }
        out.println("Usage: ./crewstream [--demo] [--fresh] [--port N] [--kafka-port N]   run the pipeline");
        out.println("       ./crewstream <command> [options]                              read the topics back");
        out.println();
        out.println("Commands:");
        for (Command command : COMMANDS) {
            out.println("  " + Text.pad(command.name(), 10) + command.summary());
            out.println("  " + " ".repeat(10) + "./crewstream " + command.usage());
        }
        out.println("  " + Text.pad(HELP, 10) + "this text; help <command> for one");
        out.println();
        out.println("TIME: ISO-8601 with a zone (2026-12-01T21:15:00Z, 2026-12-01T22:15:00+01:00), epoch millis,");
        out.println("      now, or relative: -30s, -15m, -2h, -1d.");
        out.println("Kafka: KAFKA_BOOTSTRAP_SERVERS if set; else the local run's broker (--kafka-port, default "
                + LaunchOptions.DEFAULT_KAFKA_PORT + ");");
        out.println("       else, when ./crewstream is not running, a copy of the data kept in .crewstream/kafka.");
        out.println("Every command also takes --topic-prefix P (the pipeline's topic namespace) and --help.");
        return 0;
    }
}

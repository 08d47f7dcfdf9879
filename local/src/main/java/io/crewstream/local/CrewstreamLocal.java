package io.crewstream.local;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import io.crewstream.local.cli.LaunchOptions;
import io.crewstream.local.cli.UsageException;
import io.crewstream.local.pipeline.LocalPipeline;
import io.crewstream.local.pipeline.LocalRun;
import io.crewstream.local.tools.Tools;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.sim.control.ChurnPlan;

/**
 * {@code ./crewstream}: the whole pipeline on a laptop, in this JVM, until Ctrl-C. See the repository README.
 *
 * <p>Why one JVM with one Spring context per app rather than one process per app: the apps share the JVM's
 * fixed cost (class metadata of Spring, Kafka clients and Tomcat, JIT, GC) once instead of three or four times,
 * which keeps a laptop run within its memory goal; each app still has its own context, properties, port and
 * lifecycle, exactly as configured when it runs alone.
 */
public final class CrewstreamLocal {

    /** Kept across runs, relative to the working directory (the repository root, when run by the script). */
    static final Path DATA_DIRECTORY = Path.of(".crewstream");

    static final ChurnPlan DEMO_PLAN = new ChurnPlan(40, 3);
    static final int DEMO_AGENTS = 4;

    private CrewstreamLocal() {
    }

    public static void main(String[] args) throws InterruptedException {
        if (args.length > 0 && Tools.isCommand(args[0])) {
            System.exit(Tools.main(args, DATA_DIRECTORY.toAbsolutePath()));
            return;
        }
        LaunchOptions options;
        try {
            options = LaunchOptions.parse(args);
        }
        catch (UsageException ex) {
            System.err.println("crewstream: " + ex.getMessage());
            System.err.println();
            System.err.print(LaunchOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.print(LaunchOptions.USAGE);
            return;
        }

        String external = blankToNull(System.getenv("KAFKA_BOOTSTRAP_SERVERS"));
        if (options.fresh()) {
            if (external == null) {
                Directories.deleteRecursively(DATA_DIRECTORY.resolve("kafka"));
            }
            Directories.deleteRecursively(DATA_DIRECTORY.resolve("projector"));
            Directories.deleteRecursively(DATA_DIRECTORY.resolve("agent-usage"));
            say(external == null ? "--fresh: deleted the kept Kafka data and the apps' stores"
                    : "--fresh: deleted the apps' stores (the external Kafka cluster is left alone)");
        }

        LocalRun run = new LocalRun(DATA_DIRECTORY.toAbsolutePath(), external, options.kafkaPort(),
                options.kafkaPort() + 1, TopicNamespace.DEFAULT, 3, options.dashboardPort(), 8081, 8082, 8083,
                "crewstream-projector", options.demo(), DEMO_PLAN, DEMO_AGENTS, Map.of());
        LocalPipeline pipeline = new LocalPipeline(run, CrewstreamLocal::say);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            say("Stopping (ingestor, SSE gateway, projector" + (options.demo() ? ", demo gateway" : "")
                    + (external == null ? ", Kafka" : "") + ")");
            try {
                pipeline.stop();
                say("Stopped.");
            }
            finally {
                stopped.countDown();
            }
        }, "crewstream-shutdown"));

        try {
            pipeline.start();
        }
        catch (RuntimeException ex) {
            System.err.println("crewstream: " + ex.getMessage());
            System.exit(1);
        }
        say("Press Ctrl-C to stop.");
        stopped.await();
    }

    private static void say(String line) {
        System.out.println("crewstream: " + line);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }

}

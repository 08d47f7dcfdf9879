package io.crewstream.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.bench.scenario.ActivityScenario;
import io.crewstream.bench.scenario.BenchContext;
import io.crewstream.bench.scenario.BigSnapshotScenario;
import io.crewstream.bench.scenario.ChaosScenario;
import io.crewstream.bench.scenario.ChartScenario;
import io.crewstream.bench.scenario.FootprintScenario;
import io.crewstream.bench.scenario.RecoveryScenario;
import io.crewstream.bench.scenario.ReplayScenario;
import io.crewstream.bench.scenario.EndToEndScenario;
import io.crewstream.bench.scenario.FailoverScenario;
import io.crewstream.bench.scenario.FanOutScenario;
import io.crewstream.bench.scenario.IdleBytesScenario;
import io.crewstream.bench.scenario.IdleScenario;
import io.crewstream.bench.scenario.InitialLoadScenario;
import io.crewstream.bench.scenario.LocalFootprintScenario;
import io.crewstream.bench.scenario.PollBaselineScenario;
import io.crewstream.bench.scenario.ProjectorScenario;
import io.crewstream.bench.scenario.Scenario;
import io.crewstream.bench.scenario.SoakScenario;

/**
 * Runs one benchmark scenario: {@code BenchMain <scenario> [--option value]...}. See BENCHMARKS.md for the command
 * of each scenario. A single argument containing spaces is split, so that Maven can pass everything in one property.
 */
public final class BenchMain {

    private BenchMain() {
    }

    static Map<String, Scenario> scenarios() {
        Map<String, Scenario> scenarios = new LinkedHashMap<>();
        scenarios.put("end-to-end", new EndToEndScenario());
        scenarios.put("activity", new ActivityScenario());
        scenarios.put("projector", new ProjectorScenario());
        scenarios.put("fanout", new FanOutScenario());
        scenarios.put("idle", new IdleScenario());
        scenarios.put("initial-load", new InitialLoadScenario());
        scenarios.put("big-snapshot", new BigSnapshotScenario());
        scenarios.put("idle-bytes", new IdleBytesScenario());
        scenarios.put("recovery", new RecoveryScenario());
        scenarios.put("footprint", new FootprintScenario());
        scenarios.put("local-footprint", new LocalFootprintScenario());
        scenarios.put("poll-baseline", new PollBaselineScenario());
        scenarios.put("replay", new ReplayScenario());
        scenarios.put("chaos", new ChaosScenario());
        scenarios.put("failover", new FailoverScenario());
        scenarios.put("soak", new SoakScenario());
        scenarios.put("chart", new ChartScenario());
        return scenarios;
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && args[0].contains(" ")) {
            args = args[0].trim().split("\\s+");
        }
        Map<String, Scenario> scenarios = scenarios();
        if (args.length == 0 || !scenarios.containsKey(args[0])) {
            System.err.println("usage: BenchMain <" + String.join("|", scenarios.keySet())
                    + "> [--option value]...   (got " + Arrays.toString(args) + ")");
            System.exit(2);
        }
        Options options = Options.parse(args, 1);
        try (BenchContext context = new BenchContext(options)) {
            scenarios.get(args[0]).run(context, options);
        }
        catch (Exception ex) {
            // Exit now: Kafka and HTTP client threads that are not daemons would keep a failed run alive.
            ex.printStackTrace();
            System.exit(1);
        }
        // Kafka and HTTP client threads are not all daemons; the run is over.
        System.exit(0);
    }
}

package io.crewstream.bench.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import io.crewstream.bench.Options;
import io.crewstream.bench.chaos.Churn;
import io.crewstream.bench.chaos.Verdict;
import io.crewstream.bench.chaos.ViewDiff;
import io.crewstream.bench.client.CheckerClient;
import io.crewstream.bench.process.Services;
import io.crewstream.bench.report.Report;
import io.crewstream.testsupport.net.NetworkFault;

/**
 * Chaos (issue #21): every service in a process of its own ({@link ChaosCluster}), the simulator churning, checker
 * clients on two SSE gateways, and a schedule of faults. For each fault, in each round: the churn starts, the fault
 * is injected and held for {@code fault-seconds}, the churn stops, the fault is healed (the killed process started
 * again, the proxy set back to pass), and the harness waits until every client's view equals the simulator's own
 * session list, at most {@code bound-seconds}. One {@link Verdict} line per fault, one overall line; the run fails
 * (non-zero exit) when a fault did not converge within its bound.
 */
public final class ChaosScenario implements Scenario {

    /** Every fault, in the order a run applies them. */
    public static final List<String> FAULTS = List.of("kill-ingestor", "kill-projector", "kill-gateway",
            "kill-broker", "ingestor-gateway-latency", "ingestor-gateway-blackhole", "ingestor-gateway-bandwidth",
            "apps-kafka-latency", "apps-kafka-blackhole", "apps-kafka-bandwidth");

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        List<Verdict> verdicts = chaos(context, options);
        if (verdicts.stream().anyMatch(verdict -> !verdict.converged())) {
            throw new IllegalStateException(Verdict.overall(verdicts));
        }
    }

    /** Runs the schedule and returns the verdicts (also printed, and saved as the report {@code --name}). */
    public List<Verdict> chaos(BenchContext context, Options options) throws Exception {
        List<String> faults = Arrays.stream(options.text("faults", String.join(",", FAULTS)).split(","))
                .map(String::trim).filter(fault -> !fault.isEmpty()).toList();
        for (String fault : faults) {
            if (!FAULTS.contains(fault)) {
                throw new IllegalArgumentException("unknown fault '" + fault + "'; known: " + FAULTS);
            }
        }
        int rounds = options.integer("rounds", 1);
        Duration hold = options.seconds("fault-seconds", 10);
        Duration bound = options.seconds("bound-seconds", 90);
        int clientsPerGateway = options.integer("clients-per-gateway", 2);
        Report report = new Report(options.text("name", "chaos"), options.asMap());
        List<Verdict> verdicts = new ArrayList<>();
        List<CheckerClient> clients = new ArrayList<>();
        try (ChaosCluster cluster = new ChaosCluster(context, options.text("gateway-heap", "256m"))) {
            cluster.startSimulator();
            Churn churn = new Churn(cluster.simulator().sessions(), options.integer("rate", 20),
                    options.integer("row-bytes", 1000), options.integer("seed", 1));
            churn.seed(options.integer("sessions", 60));
            long start = System.nanoTime();
            cluster.start();
            for (int i = 0; i < 2 * clientsPerGateway; i++) {
                clients.add(new CheckerClient("client-" + i, cluster.events(i % 2), Churn.REVISION_FIELD).start());
            }
            Duration initial = Pipeline.await(() -> converged(churn.truth(), clients), Duration.ofMinutes(3));
            System.out.printf("[chaos] pipeline up and %d clients showing the truth after %.1f s (views: %.1f s)%n",
                    clients.size(), (System.nanoTime() - start) / 1e9, initial.toMillis() / 1000.0);
            Map<String, Fault> schedule = schedule(cluster, options);
            for (int round = 1; round <= rounds; round++) {
                for (String name : faults) {
                    Verdict verdict = apply(name, round, schedule.get(name), cluster, churn, clients, hold, bound);
                    System.out.println(verdict.line());
                    verdicts.add(verdict);
                    report.figure(name + " #" + round, verdict.converged()
                            ? String.format("converged in %.1f s", verdict.timeToConverge().toMillis() / 1000.0)
                            : "not converged", "<= " + bound.toSeconds() + " s", verdict.converged());
                }
            }
            report.details().put("changes", churn.changes());
        }
        finally {
            clients.forEach(CheckerClient::close);
        }
        String overall = Verdict.overall(verdicts);
        System.out.println(overall);
        var lines = report.details().putArray("verdicts");
        verdicts.forEach(verdict -> lines.add(verdict.line()));
        report.details().put("overall", overall);
        report.save(context.results());
        return verdicts;
    }

    private static Verdict apply(String name, int round, Fault fault, ChaosCluster cluster, Churn churn,
            List<CheckerClient> clients, Duration hold, Duration bound) throws Exception {
        CheckerClient.Counts before = counts(clients);
        // Wall-clock instants, to find the fault in the services' logs.
        System.out.printf("[chaos] %s (round %d): injected at %s, held %d s under churn%n", name, round,
                Instant.now(), hold.toSeconds());
        churn.start();
        fault.inject().run();
        // Holding the fault for its planned time while the churn goes on, not waiting for a condition.
        Services.sleep(hold.toMillis());
        churn.stop();
        System.out.printf("[chaos] %s (round %d): healed at %s%n", name, round, Instant.now());
        long healed = System.nanoTime();
        CompletableFuture<Void> healing = CompletableFuture.runAsync(fault.heal());
        Map<String, Long> truth = churn.truth();
        boolean converged;
        Duration took;
        try {
            Pipeline.await(() -> converged(truth, clients), bound);
            took = Duration.ofNanos(System.nanoTime() - healed);
            converged = true;
        }
        catch (IllegalStateException ex) {
            took = bound;
            converged = false;
        }
        // A restart that outlives convergence (a gateway the clients had left) must finish before the next fault.
        healing.get(3, TimeUnit.MINUTES);
        ViewDiff diff = ViewDiff.NONE;
        for (CheckerClient client : clients) {
            diff = diff.plus(ViewDiff.of(truth, client.view()));
        }
        return new Verdict(name, round, converged, took, bound, diff, counts(clients).minus(before));
    }

    private static boolean converged(Map<String, Long> truth, List<CheckerClient> clients) {
        return clients.stream().allMatch(client -> client.loaded() && ViewDiff.of(truth, client.view()).equal());
    }

    private static CheckerClient.Counts counts(List<CheckerClient> clients) {
        return clients.stream().map(CheckerClient::counts).reduce(CheckerClient.Counts.ZERO,
                CheckerClient.Counts::plus);
    }

    private static Map<String, Fault> schedule(ChaosCluster cluster, Options options) {
        NetworkFault latency = new NetworkFault.Latency(Duration.ofMillis(options.integer("latency-ms", 500)));
        NetworkFault bandwidth = new NetworkFault.Bandwidth(options.integer("bandwidth", 4096));
        NetworkFault blackHole = new NetworkFault.BlackHole();
        // Gateways a and b in turn, so that every kill after the first hits the gateway the clients moved to.
        int[] gatewayKills = { 0 };
        Map<String, Fault> faults = new LinkedHashMap<>();
        faults.put("kill-ingestor", new Fault(cluster::killIngestor, cluster::startIngestor));
        faults.put("kill-projector", new Fault(cluster::killProjector, cluster::startProjector));
        faults.put("kill-gateway", new Fault(() -> cluster.killGateway(gatewayKills[0] % 2),
                () -> cluster.startGateway(gatewayKills[0]++ % 2)));
        faults.put("kill-broker", new Fault(cluster::killBroker, cluster::startBroker));
        faults.put("ingestor-gateway-latency", proxied(cluster.upstreamProxy()::apply, latency));
        faults.put("ingestor-gateway-blackhole", proxied(cluster.upstreamProxy()::apply, blackHole));
        faults.put("ingestor-gateway-bandwidth", proxied(cluster.upstreamProxy()::apply, bandwidth));
        faults.put("apps-kafka-latency", proxied(cluster.kafkaProxy()::apply, latency));
        faults.put("apps-kafka-blackhole", proxied(cluster.kafkaProxy()::apply, blackHole));
        faults.put("apps-kafka-bandwidth", proxied(cluster.kafkaProxy()::apply, bandwidth));
        return faults;
    }

    private static Fault proxied(Consumer<NetworkFault> proxy, NetworkFault fault) {
        return new Fault(() -> proxy.accept(fault), () -> proxy.accept(NetworkFault.PASS));
    }

    /** What breaks something, and what repairs it (may block until the repaired part is up). */
    private record Fault(Runnable inject, Runnable heal) {
    }
}

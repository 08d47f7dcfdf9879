package io.crewstream.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.Supplier;

import io.crewstream.bench.Options;
import io.crewstream.bench.load.OwnershipWatch;
import io.crewstream.bench.load.OwnershipWatch.Kind;
import io.crewstream.bench.load.OwnershipWatch.Seen;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.Services;
import io.crewstream.bench.report.Report;
import io.crewstream.schemas.CoordinationTopic;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.common.GroupState;

/**
 * Failover (issue #17): {@code --instances} ingestors (own JVMs, the production jar) share {@code --gateways}
 * simulated gateways (in the harness JVM); {@code --runs} times, the current owner of {@code gw-1} is killed
 * ({@code kill -9}) and the harness times, for each gateway it owned, kill → the new owner's {@code connected}
 * status readable ({@code read_committed}) and kill → the last chunk of the new owner's snapshot readable (the
 * table is whole again). Then the killed instance is started again with the same id, and the next run waits until
 * the group is back to {@code --instances} members and nothing changed owner for {@code --settle-seconds}.
 */
public final class FailoverScenario implements Scenario {

    private static final String TOKEN = "bench-failover-token";

    private static final String TOKEN_ENV = "BENCH_GATEWAY_TOKEN";

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int runs = options.integer("runs", 5);
        int gatewayCount = options.integer("gateways", 4);
        int instanceCount = options.integer("instances", 3);
        int sessions = options.integer("sessions", 100);
        int rowBytes = options.integer("row-bytes", 1000);
        String sessionTimeout = options.text("session-timeout", "10s");
        String heartbeat = options.text("heartbeat-interval", "2s");
        Duration settle = options.seconds("settle-seconds", 5);
        Duration bound = options.seconds("bound-seconds", 120);
        Report report = new Report(options.text("name", "failover"), options.asMap());
        TopicNamespace namespace = context.namespace("failover");
        String bootstrap = context.broker().bootstrapServers();
        String groupId = namespace.groupId(CoordinationTopic.INGESTOR_OWNERSHIP);

        List<OpenClawSimulator> simulators = new ArrayList<>();
        Map<String, JavaProcess> instances = new LinkedHashMap<>();
        List<String> gatewayIds = new ArrayList<>();
        List<double[]> samples = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] { "run", "killed", "gateway", "new owner", "kill -> connected", "kill -> snapshot" });
        OwnershipWatch watch = new OwnershipWatch(bootstrap, namespace);
        try (Admin admin = Admin.create(context.broker().adminConfig())) {
            for (int g = 1; g <= gatewayCount; g++) {
                OpenClawSimulator simulator = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
                for (int i = 0; i < sessions; i++) {
                    simulator.sessions().create("agent:main:bench-" + i, Pipeline.paddedFields("bench " + i,
                            rowBytes));
                }
                simulator.start();
                simulators.add(simulator);
                gatewayIds.add("gw-" + g);
            }
            List<String> instanceArguments = new ArrayList<>();
            for (int g = 0; g < gatewayCount; g++) {
                String upstream = "--crewstream.ingestor.upstreams[" + g + "].";
                instanceArguments.add(upstream + "id=" + gatewayIds.get(g));
                instanceArguments.add(upstream + "url=" + simulators.get(g).url());
                instanceArguments.add(upstream + "token-env=" + TOKEN_ENV);
            }
            instanceArguments.add("--crewstream.ingestor.ownership.session-timeout=" + sessionTimeout);
            instanceArguments.add("--crewstream.ingestor.ownership.heartbeat-interval=" + heartbeat);
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (int i = 1; i <= instanceCount; i++) {
                String id = "ingestor-" + i;
                ports.put(id, Services.freePort());
                instances.put(id, start(context, id, id, ports.get(id), bootstrap, namespace,
                        instanceArguments));
            }
            Pipeline.awaitTopics(context, namespace, Duration.ofMinutes(2), Topic.CONNECTION_STATUS,
                    Topic.SESSION_EVENTS);
            watch.start();
            watch.awaitCaughtUp(Duration.ofMinutes(1));

            for (int run = 1; run <= runs; run++) {
                awaitSettled(admin, groupId, instanceCount, watch, gatewayIds, settle, bound);
                String victim = watch.latest(gatewayIds.get(0)).orElseThrow().owner();
                List<String> moved = gatewayIds.stream()
                        .filter(id -> victim.equals(watch.latest(id).orElseThrow().owner())).toList();
                long killedAt = System.nanoTime();
                instances.get(victim).kill();
                System.out.printf("[failover] run %d: killed %s (kill -9), owner of %s%n", run, victim, moved);
                for (String gateway : moved) {
                    Seen connected = awaitSeen(() -> watch.first(gateway, Kind.CONNECTED, killedAt, victim), bound);
                    Seen snapshot = awaitSeen(() -> watch.firstBy(gateway, Kind.SNAPSHOT_END, killedAt,
                            connected.writer()), bound);
                    double toConnected = (connected.nanos() - killedAt) / 1e9;
                    double toSnapshot = (snapshot.nanos() - killedAt) / 1e9;
                    samples.add(new double[] { toConnected, toSnapshot });
                    rows.add(new String[] { Integer.toString(run), victim, gateway, connected.writer(),
                            String.format("%.2f s", toConnected), String.format("%.2f s", toSnapshot) });
                    System.out.printf("[failover] run %d: %s -> %s: connected %.2f s, snapshot %.2f s after the kill%n",
                            run, gateway, connected.writer(), toConnected, toSnapshot);
                }
                instances.put(victim, start(context, victim, victim + "-run" + run, ports.get(victim), bootstrap,
                        namespace, instanceArguments));
            }
        }
        finally {
            watch.close();
            instances.values().forEach(JavaProcess::close);
            simulators.forEach(OpenClawSimulator::close);
        }
        double[] connected = samples.stream().mapToDouble(sample -> sample[0]).sorted().toArray();
        double[] snapshot = samples.stream().mapToDouble(sample -> sample[1]).sorted().toArray();
        report.figure("kill -> new owner's connected status readable, median (" + connected.length
                + " gateway moves in " + runs + " kills)", String.format("%.2f s", median(connected)), "-", null);
        report.figure("kill -> new owner's connected status readable, max",
                String.format("%.2f s", connected[connected.length - 1]), "-", null);
        report.figure("kill -> new owner's snapshot readable (table whole), median",
                String.format("%.2f s", median(snapshot)), "-", null);
        report.figure("kill -> new owner's snapshot readable (table whole), max",
                String.format("%.2f s", snapshot[snapshot.length - 1]), "-", null);
        report.table(rows);
        report.note("session timeout " + sessionTimeout + ", heartbeat " + heartbeat + ": most of a failover after a"
                + " crash is the session timeout, counted from the killed instance's last heartbeat (up to one"
                + " heartbeat interval before the kill); Kafka cannot tell a dead instance from a slow one sooner");
        report.details().put("sessionsPerGateway", sessions);
        report.details().put("rowBytes", rowBytes);
        report.save(context.results());
    }

    private static JavaProcess start(BenchContext context, String instanceId, String logName, int port,
            String bootstrap, TopicNamespace namespace, List<String> arguments) {
        List<String> all = new ArrayList<>(arguments);
        all.add("--crewstream.ingestor.instance-id=" + instanceId);
        return context.services().ingestor(logName, List.of(), port, bootstrap, namespace.prefix(),
                Map.of(TOKEN_ENV, TOKEN), all);
    }

    /**
     * Waits until the group has {@code members} members and is stable, every gateway's latest status is
     * {@code connected}, and no status was news for {@code settle} (a rejoin's handover is over).
     */
    private static void awaitSettled(Admin admin, String groupId, int members, OwnershipWatch watch,
            Collection<String> gateways, Duration settle, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            boolean connected = gateways.stream().allMatch(id -> watch.latest(id)
                    .map(ConnectionStatusEvent::state).orElse(null) == UpstreamState.CONNECTED);
            if (connected && System.nanoTime() - watch.lastChangeNanos() > settle.toNanos()) {
                ConsumerGroupDescription group = describe(admin, groupId);
                if (group != null && group.groupState() == GroupState.STABLE && group.members().size() == members) {
                    return;
                }
            }
            if (System.nanoTime() - deadline > 0) {
                ConsumerGroupDescription group = describe(admin, groupId);
                throw new IllegalStateException("the ingestors' group did not settle with " + members
                        + " members within " + bound + ": " + (group == null ? "no group"
                                : group.groupState() + " with " + group.members().size() + " members")
                        + ", latest statuses " + gateways.stream()
                        .map(id -> id + "=" + watch.latest(id).map(status -> status.state() + " by " + status.owner())
                                .orElse("none")).toList());
            }
            Services.sleep(200);
        }
    }

    private static ConsumerGroupDescription describe(Admin admin, String groupId) {
        try {
            return admin.describeConsumerGroups(List.of(groupId)).all().get().get(groupId);
        }
        catch (ExecutionException ex) {
            return null;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private static Seen awaitSeen(Supplier<Optional<Seen>> seen, Duration bound) {
        Pipeline.await(() -> seen.get().isPresent(), bound);
        return seen.get().orElseThrow();
    }

    private static double median(double[] sorted) {
        int middle = sorted.length / 2;
        return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

package io.crewstream.sim.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import io.crewstream.sim.control.ChurnGenerator;
import io.crewstream.sim.control.ChurnPlan;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.sim.session.AgentCatalog;

/**
 * A documented throughput run, not a test: N sessions over M agents churning at R changes/s, delivered to C subscribed
 * clients for S seconds. Prints, per client, the events received, the rate, {@code seq} gaps and the delay between a
 * change's {@code ts} and its arrival. See the module README for the command and the figures measured.
 *
 * <p>Arguments (all optional): sessions agents changesPerSecond clients seconds.
 */
public final class ThroughputRun {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ThroughputRun() {
    }

    public static void main(String[] args) throws Exception {
        int sessions = arg(args, 0, 5000);
        int agents = arg(args, 1, 10);
        int rate = arg(args, 2, 500);
        int clientCount = arg(args, 3, 4);
        int seconds = arg(args, 4, 30);
        String token = "throughput-token";

        try (OpenClawSimulator simulator = new OpenClawSimulator(SimulatorConfig.defaults(token)
                .withAgents(AgentCatalog.ofCount(agents)).withTickInterval(Duration.ofSeconds(1)))) {
            simulator.start();
            ChurnGenerator churn = new ChurnGenerator(simulator.sessions(), new ChurnPlan(sessions, rate), 1);
            long seedStart = System.nanoTime();
            churn.start();
            System.out.printf("seeded %d sessions over %d agents in %d ms%n", sessions, agents,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - seedStart));

            List<CountingClient> clients = new ArrayList<>();
            for (int i = 0; i < clientCount; i++) {
                clients.add(CountingClient.connect(simulator.url(), token));
            }
            long changesAtStart = churn.changesApplied();
            clients.forEach(CountingClient::reset);
            long cpuStart = processCpuNanos();
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L); // a benchmark window, not a wait for a condition
            long elapsedNanos = System.nanoTime() - start;
            long cpu = processCpuNanos() - cpuStart;
            long changes = churn.changesApplied() - changesAtStart;
            churn.stop();

            double elapsed = elapsedNanos / 1e9;
            System.out.printf("window %.1f s: %d changes applied (%.0f/s), process CPU %.0f%% of one core%n",
                    elapsed, changes, changes / elapsed, 100.0 * cpu / elapsedNanos);
            for (int i = 0; i < clients.size(); i++) {
                CountingClient client = clients.get(i);
                long[] delays = client.delaysMs();
                Arrays.sort(delays);
                System.out.printf("client %d: %d sessions.changed (%.0f/s), %d KiB, seq gaps %d, delay ms p50 %d"
                                + " p99 %d max %d%n", i + 1, client.changes.get(), client.changes.get() / elapsed,
                        client.bytes.get() / 1024, client.gaps.get(), percentile(delays, 50), percentile(delays, 99),
                        delays.length == 0 ? 0 : delays[delays.length - 1]);
                client.close();
            }
        }
    }

    private static int arg(String[] args, int index, int fallback) {
        return args.length > index ? Integer.parseInt(args[index]) : fallback;
    }

    private static long percentile(long[] sorted, int percentile) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, sorted.length * percentile / 100)];
    }

    private static long processCpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    /** Counts events without keeping them. Threading: the JDK calls the listener one message at a time. */
    private static final class CountingClient implements WebSocket.Listener {

        private final AtomicLong changes = new AtomicLong();
        private final AtomicLong bytes = new AtomicLong();
        private final AtomicLong gaps = new AtomicLong();
        private final CompletableFuture<Void> helloOk = new CompletableFuture<>();
        private final List<Long> delays = new ArrayList<>();
        private final StringBuilder partial = new StringBuilder();
        private final String token;
        private long lastSeq;
        private WebSocket socket;

        private CountingClient(String token) {
            this.token = token;
        }

        static CountingClient connect(URI url, String token) {
            CountingClient client = new CountingClient(token);
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(url, client).join();
            client.helloOk.orTimeout(10, TimeUnit.SECONDS).join();
            client.socket.sendText("{\"type\":\"req\",\"id\":\"sub\",\"method\":\"sessions.subscribe\","
                    + "\"params\":{\"limit\":100}}", true).join();
            return client;
        }

        synchronized void reset() {
            changes.set(0);
            bytes.set(0);
            gaps.set(0);
            delays.clear();
        }

        synchronized long[] delaysMs() {
            return delays.stream().mapToLong(Long::longValue).toArray();
        }

        void close() {
            socket.abort();
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                onMessage(webSocket, partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        private void onMessage(WebSocket webSocket, String text) {
            JsonNode frame = JSON.readTree(text);
            String event = frame.path("event").asString("");
            if ("connect.challenge".equals(event)) {
                webSocket.sendText("{\"type\":\"req\",\"id\":\"c\",\"method\":\"connect\",\"params\":{\"minProtocol\":4,"
                        + "\"maxProtocol\":4,\"client\":{\"id\":\"gateway-client\",\"version\":\"1\",\"platform\":"
                        + "\"linux\",\"mode\":\"backend\"},\"scopes\":[\"operator.read\"],\"auth\":{\"token\":\""
                        + token + "\"}}}", true);
                return;
            }
            if ("c".equals(frame.path("id").asString(""))) {
                helloOk.complete(null);
                return;
            }
            long seq = frame.path("seq").asLong(0);
            if (seq > 0) {
                if (lastSeq > 0 && seq != lastSeq + 1) {
                    gaps.incrementAndGet();
                }
                lastSeq = seq;
            }
            if ("sessions.changed".equals(event)) {
                synchronized (this) {
                    changes.incrementAndGet();
                    bytes.addAndGet(text.length());
                    delays.add(System.currentTimeMillis() - frame.path("payload").path("ts").asLong());
                }
            }
        }
    }
}

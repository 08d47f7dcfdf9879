package io.crewstream.bench.load;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crewstream.bench.client.LoadClientMain;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.report.Histograms;
import io.crewstream.schemas.serde.ContractJson;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/**
 * A set of load-client processes that together hold {@code total} streams, driven in step: connect, start, stop,
 * merge. Not thread-safe: one harness thread drives it.
 */
public final class LoadClients implements AutoCloseable {

    private final List<JavaProcess> processes = new ArrayList<>();

    private int connected;

    private int failed;

    private long connectMillis;

    private LoadClients() {
    }

    /** Starts the processes and waits until every one has opened its share of the streams. */
    public static LoadClients connect(Path logDir, URI url, int total, int processCount, int inFlight,
            String heap) {
        LoadClients clients = new LoadClients();
        int perProcess = (total + processCount - 1) / processCount;
        int left = total;
        for (int i = 0; i < processCount && left > 0; i++) {
            int share = Math.min(perProcess, left);
            left -= share;
            clients.processes.add(JavaProcess.start("load-client-" + i, logDir,
                    List.of("-Xmx" + heap, "-XX:+UseParallelGC"),
                    List.of("-cp", JavaProcess.ownClasspath(), LoadClientMain.mainClass(),
                            "--url", url.toString(), "--connections", String.valueOf(share),
                            "--in-flight", String.valueOf(Math.max(1, inFlight / processCount))),
                    Map.of()));
        }
        for (JavaProcess process : clients.processes) {
            String[] line = process.awaitLine(l -> l.startsWith("CONNECTED "), Duration.ofMinutes(15)).split(" ");
            clients.connected += Integer.parseInt(line[1]);
            clients.failed += Integer.parseInt(line[2]);
            clients.connectMillis = Math.max(clients.connectMillis, Long.parseLong(line[3]));
        }
        return clients;
    }

    public int connected() {
        return this.connected;
    }

    public int failed() {
        return this.failed;
    }

    /**
     * The slowest process's time from its first connect until every one of its streams had its initial state (each
     * process counts from its own start; they start within a few hundred milliseconds of each other).
     */
    public long connectMillis() {
        return this.connectMillis;
    }

    public List<JavaProcess> processes() {
        return List.copyOf(this.processes);
    }

    public void start() {
        this.processes.forEach(p -> p.send("start"));
        this.processes.forEach(p -> p.awaitLine("STARTED"::equals, Duration.ofSeconds(30)));
    }

    /** Stops timing in every process and merges what they measured. */
    public Merged stop() {
        this.processes.forEach(p -> p.send("stop"));
        Histogram merged = new Histogram(3);
        long deliveries = 0;
        long untimed = 0;
        long stragglers = 0;
        double seconds = 0;
        double cpu = 0;
        long rss = 0;
        int closed = 0;
        for (JavaProcess process : this.processes) {
            String line = process.awaitLine(l -> l.startsWith("RESULT "), Duration.ofSeconds(60));
            JsonNode result = ContractJson.mapper().readTree(line.substring("RESULT ".length()));
            merged.add(Histograms.decode(result.get("histogram").asString()));
            deliveries += result.get("deliveries").asLong();
            untimed += result.get("untimed").asLong();
            stragglers += result.get("stragglers").asLong();
            seconds = Math.max(seconds, result.get("seconds").asDouble());
            cpu += result.get("cpuSeconds").asDouble();
            rss += result.get("rssKb").asLong();
            closed += result.get("closed").asInt();
        }
        return new Merged(merged, deliveries, untimed, stragglers, seconds, cpu, rss, closed);
    }

    @Override
    public void close() {
        this.processes.forEach(p -> p.send("exit"));
        this.processes.forEach(JavaProcess::close);
    }

    /**
     * @param cpuSeconds CPU used by the load processes since they started (connecting included)
     * @param closedStreams streams that ended while they should have stayed open
     * @param stragglers events sent before the window that arrived in it (not in {@code deliveries})
     */
    public record Merged(Histogram latencyMicros, long deliveries, long untimed, long stragglers, double seconds,
            double cpuSeconds, long rssKb, int closedStreams) {

        public double deliveriesPerSecond() {
            return (this.seconds > 0) ? this.deliveries / this.seconds : 0;
        }
    }
}

package io.crewstream.bench.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import io.crewstream.bench.process.JvmProbe;
import io.crewstream.bench.process.ProcessStats;
import io.crewstream.bench.report.Machine;
import io.crewstream.bench.report.Trend;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.JsonNode;

/**
 * What a soak run samples, series by series: for each service JVM its heap after a full GC ({@link JvmProbe}: over
 * JMX, opened with the attach API of the JDK the services run on), live threads and RSS ({@code /proc/<pid>/status})
 * and open file descriptors ({@code /proc/<pid>/fd}); for the harness JVM (broker, simulator, clients) the same
 * without the heap (it runs ZGC, which {@code GC.heap_info} reports differently); and lags, each from its own
 * supplier. Not thread-safe: one sampling thread.
 */
final class SoakSampler implements AutoCloseable {

    static final String HEAP = "heap after GC (MiB)";

    static final String THREADS = "threads";

    static final String FDS = "open fds";

    static final String RSS = "RSS (MiB)";

    static final String LAG = "lag (records)";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final Map<String, Long> jvms;

    private final Map<String, JvmProbe> probes = new LinkedHashMap<>();

    private final Map<String, Long> others;

    private final Map<String, LongSupplier> lags;

    /** subject → metric → samples. */
    private final Map<String, Map<String, List<Trend.Point>>> series = new LinkedHashMap<>();

    private final List<String> loadAverages = new ArrayList<>();

    private final List<Double> times = new ArrayList<>();

    /**
     * @param jvms service name → pid, sampled in full
     * @param others name → pid of processes sampled without their heap
     * @param lags name of the consumer → its lag in records (-1 when unknown)
     */
    SoakSampler(Map<String, Long> jvms, Map<String, Long> others, Map<String, LongSupplier> lags) {
        this.jvms = jvms;
        this.others = others;
        this.lags = lags;
    }

    /** Takes one sample, labelled {@code seconds} since the run's start. */
    void sample(double seconds) {
        this.times.add(seconds);
        this.loadAverages.add(Machine.loadAverage());
        this.jvms.forEach((name, pid) -> {
            record(name, HEAP, seconds, mib(heapAfterGcKb(name, pid)));
            process(name, pid, seconds);
        });
        this.others.forEach((name, pid) -> process(name, pid, seconds));
        this.lags.forEach((name, lag) -> record(name, LAG, seconds, lag.getAsLong()));
    }

    /** Through a JMX connection opened at the first sample (see {@link JvmProbe} for why not {@code jcmd}). */
    private long heapAfterGcKb(String name, long pid) {
        JvmProbe probe = this.probes.get(name);
        if (probe == null) {
            try {
                probe = JvmProbe.attach(pid);
                this.probes.put(name, probe);
            }
            catch (IOException | RuntimeException ex) {
                System.out.println("[bench] cannot attach to " + name + " (" + pid + "): " + ex);
                return -1;
            }
        }
        return probe.heapAfterGcKb();
    }

    /** Closes the JMX connections. */
    @Override
    public void close() {
        this.probes.values().forEach(JvmProbe::close);
    }

    private void process(String name, long pid, double seconds) {
        record(name, THREADS, seconds, ProcessStats.threads(pid));
        record(name, FDS, seconds, ProcessStats.openFiles(pid));
        record(name, RSS, seconds, mib(ProcessStats.rssKb(pid)));
    }

    private void record(String subject, String metric, double seconds, double value) {
        // -1 (process gone, jcmd failed, lag unknown) is not a value: a gap, which the report shows as a count.
        List<Trend.Point> points = this.series.computeIfAbsent(subject, s -> new LinkedHashMap<>())
                .computeIfAbsent(metric, m -> new ArrayList<>());
        if (value >= 0) {
            points.add(new Trend.Point(seconds, value));
        }
    }

    private static double mib(long kib) {
        return (kib < 0) ? -1 : Math.round(kib / 1024.0 * 10) / 10.0;
    }

    /** The service JVMs' names (the subjects sampled in full). */
    Set<String> services() {
        return this.jvms.keySet();
    }

    Map<String, Map<String, List<Trend.Point>>> series() {
        return this.series;
    }

    List<Double> times() {
        return this.times;
    }

    List<String> loadAverages() {
        return this.loadAverages;
    }

    /** The SSE gateway's own view of how far its table reader is behind ({@code crewstream.sse.table.lag}). */
    static long gatewayTableLag(URI metric) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(metric).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return -1;
            }
            JsonNode measurements = ContractJson.mapper().readTree(response.body()).path("measurements");
            return measurements.isEmpty() ? -1 : Math.round(measurements.get(0).get("value").asDouble());
        }
        catch (IOException | RuntimeException ex) {
            return -1;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}

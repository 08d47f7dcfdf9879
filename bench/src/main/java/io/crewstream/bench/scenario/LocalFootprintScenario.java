package io.crewstream.bench.scenario;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crewstream.bench.Options;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.ProcessStats;
import io.crewstream.bench.process.Services;
import io.crewstream.bench.report.Report;
import io.crewstream.schemas.serde.ContractJson;

/**
 * Footprint of the local all-in-one ({@code local} module: broker, ingestor, projector, gateway and a demo
 * gateway in one JVM), started the way its README says: time from {@code java -jar} to a dashboard API that serves
 * the demo's sessions, and the resident memory of that one process (sampled for a while after, the maximum).
 */
public final class LocalFootprintScenario implements Scenario {

    private static final String DEFAULT_JVM_OPTIONS = "-Xms64m -Xmx384m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 "
            + "-Xss512k";

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        Report report = new Report(options.text("name", "local-footprint"), options.asMap());
        Path jar = context.repository().resolve("local/target/crewstream-local-0.1.0-SNAPSHOT-exec.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build the local module first");
        }
        Path workDir = context.logs().resolve("local-run");
        Files.createDirectories(workDir);
        Path copy = workDir.resolve(jar.getFileName());
        Files.copy(jar, copy, StandardCopyOption.REPLACE_EXISTING);
        int port = options.integer("port", Services.freePort());
        int kafkaPort = options.integer("kafka-port", 29092);
        List<String> launch = new ArrayList<>(List.of("-jar", copy.toString(), "--demo", "--fresh", "--port",
                String.valueOf(port), "--kafka-port", String.valueOf(kafkaPort)));
        List<String> jvm = List.of(options.text("jvm-options", DEFAULT_JVM_OPTIONS).split(" "));
        long start = System.nanoTime();
        try (JavaProcess local = JavaProcess.start("local", workDir, jvm, launch, Map.of(), workDir)) {
            URI sessions = URI.create("http://127.0.0.1:" + port + "/api/sessions");
            HttpClient http = HttpClient.newHttpClient();
            int count = 0;
            while (count == 0) {
                if (!local.isAlive()) {
                    throw new IllegalStateException("the local pipeline exited; see " + workDir.resolve("local.log"));
                }
                if (System.nanoTime() - start > Duration.ofMinutes(3).toNanos()) {
                    throw new IllegalStateException("no sessions served within 3 minutes");
                }
                count = sessionCount(http, sessions);
                if (count == 0) {
                    Services.sleep(100);
                }
            }
            double ready = (System.nanoTime() - start) / 1e9;
            long maxRss = 0;
            for (int i = 0; i < options.integer("sample-seconds", 20); i++) {
                maxRss = Math.max(maxRss, ProcessStats.rssKb(local.pid()));
                Services.sleep(1000);
            }
            long rssMb = maxRss / 1024;
            report.figure("java -jar -> demo sessions served by /api/sessions", String.format("%.1f s", ready),
                    "<= 20 s", ready <= 20);
            report.figure("RSS of the all-in-one JVM (max over the next "
                    + options.integer("sample-seconds", 20) + " s)", rssMb + " MiB", "<= 700 MB", rssMb <= 700);
            report.details().put("jvmOptions", String.join(" ", jvm));
            report.details().put("sessionsServed", count);
            report.details().put("cpuSeconds", ProcessStats.cpuSeconds(local.pid()));
        }
        report.save(context.results());
    }

    private static int sessionCount(HttpClient http, URI uri) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return 0;
            }
            return ContractJson.mapper().readTree(response.body()).get("sessions").size();
        }
        catch (IOException | RuntimeException ex) {
            return 0;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }
}

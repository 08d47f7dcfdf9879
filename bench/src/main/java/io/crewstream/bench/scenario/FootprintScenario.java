package io.crewstream.bench.scenario;

import java.time.Duration;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.SessionView;
import io.crewstream.bench.report.Report;
import tools.jackson.databind.node.ObjectNode;

/**
 * Footprint of the whole pipeline on one machine: time from starting ingestor, projector and gateway to a client
 * showing the upstream's sessions, and the resident memory of every process (the broker and the simulator share
 * this harness process, whose RSS is counted in full, so the total is an upper bound).
 */
public final class FootprintScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int sessions = options.integer("sessions", 100);
        Report report = new Report(options.text("name", "footprint"), options.asMap());
        try (Pipeline pipeline = Pipeline.create(context)) {
            pipeline.seed(sessions, 2000);
            long start = System.nanoTime();
            pipeline.start(context, options.text("gateway-heap", "256m"));
            SessionView view = SessionView.open(pipeline.events());
            Pipeline.await(() -> view.size() >= sessions, Duration.ofMinutes(3));
            double ready = (System.nanoTime() - start) / 1e9;
            Thread.sleep(5000);
            ObjectNode memory = pipeline.memory(report.details().putObject("memory"));
            long totalMb = memory.get("totalRssKb").asLong() / 1024;
            long servicesMb = memory.get("servicesRssKb").asLong() / 1024;
            report.figure("start -> sessions on a client", String.format("%.1f s", ready), "<= 20 s", ready <= 20);
            report.figure("total RSS (services + broker/simulator/harness JVM)", totalMb + " MiB", "<= 700 MB",
                    totalMb <= 700);
            report.figure("RSS of ingestor + projector + gateway", servicesMb + " MiB", "-", null);
            report.details().put("readySeconds", ready);
        }
        report.save(context.results());
    }
}

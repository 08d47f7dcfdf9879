package io.crewstream.bench.scenario;

import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.bench.Options;
import io.crewstream.bench.report.Histograms;
import io.crewstream.bench.report.LatencyChart;
import io.crewstream.schemas.serde.ContractJson;
import org.HdrHistogram.Histogram;
import tools.jackson.databind.JsonNode;

/** Redraws the latency chart of a saved end-to-end result from its encoded histograms (no measurement). */
public final class ChartScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        JsonNode result = ContractJson.mapper().readTree(Files.readString(
                context.repository().resolve(options.text("result", "bench/results/end-to-end.json"))));
        JsonNode details = result.get("details");
        JsonNode used = result.get("options");
        Map<String, Histogram> series = new LinkedHashMap<>();
        series.put("simulator -> SSE client (" + details.get("streams").asInt() + " clients)",
                Histograms.decode(details.get("histogram").asString()));
        series.put("bare Kafka produce -> consume", Histograms.decode(details.get("bareHistogram").asString()));
        String rate = used.has("rate") ? used.get("rate").asString() : "200";
        String seconds = used.has("seconds") ? used.get("seconds").asString() : "60";
        String chart = options.text("chart", "docs/bench-end-to-end-latency.png");
        LatencyChart.write(context.repository().resolve(chart), "End-to-end latency, " + rate + " changes/s, "
                + seconds + " s (load avg " + details.get("loadAverageMidRun").asString().split(" ")[0]
                + " mid-run on 2 cpus)", series,
                LatencyChart.goals("goal p99 50 ms", 50, "goal p50 15 ms", 15));
        System.out.println("[bench] chart written to " + chart);
    }
}

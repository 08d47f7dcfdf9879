package io.crewstream.bench.client;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import io.crewstream.bench.Options;
import io.crewstream.bench.process.ProcessStats;
import io.crewstream.bench.report.Histograms;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.node.ObjectNode;

/**
 * One load-client process (a process holds at most 20,000 open files here, so big scenarios start several). Opens
 * the streams, prints {@code CONNECTED <ok> <failed> <ms from the first connect until every stream had its initial
 * state>}, then obeys commands on standard input: {@code start} (time
 * from now on), {@code stop} (prints {@code RESULT <json>} with the encoded histogram), {@code status}, {@code exit}.
 * {@code --threads} is the number of selector threads that hold the streams ({@link SseLoad}).
 */
public final class LoadClientMain {

    private LoadClientMain() {
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args, 0);
        URI url = URI.create(options.text("url", "http://127.0.0.1:8091/api/events"));
        int connections = options.integer("connections", 100);
        try (SseLoad load = new SseLoad(options.integer("threads", 2))) {
            long start = System.nanoTime();
            load.open(url, connections, options.integer("in-flight", 100), options.seconds("connect-timeout", 600));
            long connectMillis = (System.nanoTime() - start) / 1_000_000;
            System.out.println("CONNECTED " + load.refreshed() + " " + load.failed() + " " + connectMillis);
            BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String command;
            while ((command = commands.readLine()) != null) {
                switch (command.trim()) {
                    case "start" -> {
                        load.startMeasuring();
                        System.out.println("STARTED");
                    }
                    case "stop" -> System.out.println("RESULT " + result(load.stopMeasuring(), load));
                    case "status" -> System.out.println("STATUS refreshed=" + load.refreshed() + " failed="
                            + load.failed() + " closed=" + load.closed());
                    case "exit" -> {
                        return;
                    }
                    default -> System.out.println("UNKNOWN " + command);
                }
            }
        }
    }

    private static String result(SseLoad.Measurement measurement, SseLoad load) {
        long pid = ProcessHandle.current().pid();
        ObjectNode json = ContractJson.mapper().createObjectNode();
        json.put("histogram", Histograms.encode(measurement.latencyMicros()));
        json.put("deliveries", measurement.deliveries());
        json.put("untimed", measurement.untimedDeliveries());
        json.put("stragglers", measurement.stragglers());
        json.put("seconds", measurement.seconds());
        json.put("refreshed", load.refreshed());
        json.put("failed", load.failed());
        json.put("closed", load.closed());
        json.put("cpuSeconds", ProcessStats.cpuSeconds(pid));
        json.put("rssKb", ProcessStats.rssKb(pid));
        return ContractJson.mapper().writeValueAsString(json);
    }

    /** For the harness: how to start this class. */
    public static String mainClass() {
        return LoadClientMain.class.getName();
    }
}

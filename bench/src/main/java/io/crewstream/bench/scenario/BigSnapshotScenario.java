package io.crewstream.bench.scenario;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.SessionView;
import io.crewstream.bench.load.TopicTap;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.report.JfrHotFrames;
import io.crewstream.bench.report.Report;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Big snapshot: an upstream gateway with {@code sessions} sessions becomes reachable while the pipeline runs and a
 * client is connected; timed until the client shows every session (upstream listing → chunked snapshot → projector
 * → table → gateway → client), from the moment the ingestor's connection is authenticated and from the moment the
 * upstream starts accepting connections (which adds the ingestor's reconnect backoff), and from the moment the
 * ingestor had the whole list (the chunks' {@code observedAt}: the "end of listing"), with each stage's share.
 * With {@code --jfr <prefix>} each service records a flight recording, and the report names each one's hottest frames
 * between the upstream accepting and the last row on the client.
 */
public final class BigSnapshotScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int sessions = options.integer("sessions", 10_000);
        Report report = new Report(options.text("name", "big-snapshot"), options.asMap());
        Instant[] window;
        String jfr = options.text("jfr", "");
        Path jfrPrefix = jfr.isEmpty() ? null : context.repository().resolve(jfr);
        if (jfrPrefix != null) {
            Files.createDirectories(jfrPrefix.toAbsolutePath().getParent());
        }
        try (Pipeline pipeline = Pipeline.create(context)) {
            long seedStart = System.nanoTime();
            pipeline.seed(sessions, options.integer("row-bytes", 2000));
            report.note("seeded " + sessions + " upstream sessions in "
                    + Duration.ofNanos(System.nanoTime() - seedStart).toMillis() + " ms");
            pipeline.simulator().faults().refuseConnections();
            int queue = options.integer("client-queue-size", 0);
            pipeline.start(context, options.text("gateway-heap", "1g"), jfrPrefix, (queue > 0)
                    ? new String[] { "--crewstream.sse.client-queue-size=" + queue } : new String[0]);
            SessionView view = SessionView.open(pipeline.events());
            Pipeline.await(view::refreshed, Duration.ofMinutes(1));
            // Stage ends: when the last snapshot chunk was written, and when the last row was committed.
            String bootstrap = context.broker().bootstrapServers();
            // read_committed: the ingestor writes in transactions; a chunk is published when it commits.
            TopicTap published = new TopicTap(bootstrap, pipeline.namespace().name(Topic.SESSION_EVENTS), true);
            TopicTap projected = new TopicTap(bootstrap, pipeline.namespace().name(Topic.SESSION_STATE), true);
            published.start();
            projected.start();
            published.awaitAssigned();
            projected.awaitAssigned();
            published.record();
            projected.record();
            int refreshesBefore = view.refreshes();
            List<JavaProcess> services = pipeline.processes();
            Map<String, CpuWindow> cpu = new java.util.LinkedHashMap<>();
            services.forEach(service -> cpu.put(service.name(), new CpuWindow(List.of(service.pid()))));
            cpu.put("sse-gateway", new CpuWindow(List.of(pipeline.gatewayPid())));
            cpu.put("harness (broker, simulator, client)", new CpuWindow(List.of(ProcessHandle.current().pid())));
            long accepting = System.nanoTime();
            Instant acceptingAt = Instant.now();
            pipeline.simulator().faults().acceptConnections();
            Pipeline.await(() -> pipeline.simulator().authenticatedConnections() > 0, Duration.ofMinutes(2));
            long authenticated = System.nanoTime();
            Pipeline.await(() -> view.size() >= sessions, Duration.ofMinutes(5));
            long shown = System.nanoTime();
            Instant shownAt = Instant.now();
            Map<String, Double> cpuSeconds = new java.util.LinkedHashMap<>();
            cpu.forEach((name, process) -> cpuSeconds.put(name, process.cpuSeconds()));
            double fromAuth = (shown - authenticated) / 1e9;
            double fromAccept = (shown - accepting) / 1e9;
            report.figure(sessions + " sessions: ingestor authenticated -> all on the client",
                    String.format("%.2f s", fromAuth), "<= 2 s", fromAuth <= 2);
            report.figure("upstream accepting -> all on the client (incl. reconnect backoff)",
                    String.format("%.2f s", fromAccept), "-", null);
            Pipeline.await(() -> projected.records() >= sessions, Duration.ofMinutes(1));
            double ingestor = (published.lastRecordNanos() - authenticated) / 1e9;
            double projector = (projected.lastRecordNanos() - published.lastRecordNanos()) / 1e9;
            double gateway = (shown - projected.lastRecordNanos()) / 1e9;
            report.figure("stages: ingestor lists and publishes / projector commits / gateway -> client",
                    String.format("%.2f / %.2f / %.2f s (%d records on session-events, %d on session-state)",
                            ingestor, projector, gateway, published.records(), projected.records()), "-", null);
            published.stop();
            projected.stop();
            // The chunk's observedAt is the ingestor's wall clock when it had the whole list: the start.
            SnapshotChunk first = firstChunk(bootstrap, pipeline.namespace().name(Topic.SESSION_EVENTS));
            double fromListed = (shownAt.toEpochMilli() - first.observedAt()) / 1e3;
            double listing = (first.observedAt() - (shownAt.toEpochMilli() - Math.round(fromAuth * 1e3))) / 1e3;
            double publishing = ingestor - listing;
            report.figure(sessions + " sessions: listing complete (the chunks' observedAt) -> all on the client",
                    String.format("%.2f s", fromListed), "<= 2 s", fromListed <= 2);
            report.figure("stages from the listing: ingestor publishes / projector commits / gateway -> client",
                    String.format("%.2f / %.2f / %.2f s (listing itself, authenticated -> observedAt: %.2f s)",
                            publishing, projector, gateway, listing), "-", null);
            report.details().put("fromListingCompleteSeconds", fromListed);
            report.details().put("listingSeconds", listing);
            report.details().put("ingestorPublishSeconds", publishing);
            report.details().put("projectorSeconds", projector);
            report.details().put("gatewaySeconds", gateway);
            report.details().put("snapshotChunks", first.chunkCount());
            // CPU time says what each stage cost whatever else the machine ran; wall time does not.
            report.figure("CPU seconds from upstream accepting to all on the client, by process",
                    cpuSeconds.entrySet().stream().map(e -> String.format("%s %.2f", e.getKey(), e.getValue()))
                            .collect(java.util.stream.Collectors.joining(", ")), "-", null);
            report.figure("whole-state refreshes the client received (its queue overflowed)",
                    Integer.toString(view.refreshes() - refreshesBefore), "-", null);
            var cpuNode = report.details().putObject("cpuSeconds");
            cpuSeconds.forEach(cpuNode::put);
            report.details().put("sessions", sessions);
            report.details().put("clientReconnects", view.reconnects());
            report.details().put("fromAuthenticatedSeconds", fromAuth);
            report.details().put("fromAcceptingSeconds", fromAccept);
            pipeline.memory(report.details().putObject("memory"));
            window = new Instant[] { acceptingAt, shownAt };
        }
        // The recordings are written when the services stop, which closing the pipeline did.
        if (jfrPrefix != null) {
            for (String service : List.of("ingestor", "projector", "sse-gateway")) {
                Path recording = Path.of(jfrPrefix + "-" + service + ".jfr");
                String summary = JfrHotFrames.read(recording, window[0], window[1]).summary(12);
                report.note(service + " CPU samples from upstream accepting to all on the client (" + recording
                        + "):\n" + summary);
                report.details().put(service + "Profile", summary);
            }
        }
        report.save(context.results());
    }

    /** The first snapshot chunk on the topic (the scenario's only snapshot starts it). */
    private static SnapshotChunk firstChunk(String bootstrap, String topic) {
        try (KafkaConsumer<String, SessionEvent> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                // Never a chunk of an aborted transaction or of a fenced ingestor.
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), ContractSerdes.sessionEvents().deserializer())) {
            consumer.assign(consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline) {
                for (ConsumerRecord<String, SessionEvent> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() instanceof SnapshotChunk chunk && chunk.chunkIndex() == 0) {
                        return chunk;
                    }
                }
            }
        }
        throw new IllegalStateException("no snapshot chunk on " + topic + " within 30 s");
    }
}

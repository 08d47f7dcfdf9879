package io.crewstream.bench.scenario;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.bench.load.BareKafkaHop;
import io.crewstream.bench.load.BenchRows;
import io.crewstream.bench.load.Pacer;
import io.crewstream.bench.load.TopicTap;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.Services;
import io.crewstream.bench.report.Histograms;
import io.crewstream.bench.report.Machine;
import io.crewstream.bench.report.Report;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.serde.ContractSerdes;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.node.ObjectNode;

/**
 * The projector hop alone (issue #5's goal: a change reaches the session-state topic within 20 ms p99 at 200
 * changes/s): the harness writes a snapshot and then stamped single-session upserts straight into
 * {@code session-events}, as the ingestor would, and times each until a {@code read_committed} consumer of
 * {@code session-state} sees it, i.e. when a gateway could. A bare produce → consume hop on the same broker runs
 * alongside as the floor. {@code --projector-properties a=b,c=d} overrides projector settings for tuning runs.
 */
public final class ProjectorScenario implements Scenario {

    private static final String CONNECTION_ID = "bench";

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int rate = options.integer("rate", 200);
        int seconds = options.integer("seconds", 60);
        int sessions = options.integer("sessions", 200);
        int rowBytes = options.integer("row-bytes", 2000);
        String[] projectorProperties = options.springArguments("projector-properties");
        Report report = new Report(options.text("name", "projector"), options.asMap());
        TopicNamespace namespace = context.namespace("bench-projector");
        String bootstrap = context.broker().bootstrapServers();
        // The ingestor creates its topics; here the harness plays the ingestor.
        context.broker().createTopics(List.of(Topic.SESSION_EVENTS.newTopic(namespace, 3, (short) 1),
                Topic.CONNECTION_STATUS.newTopic(namespace, 3, (short) 1),
                Topic.RUN_EVENTS.newTopic(namespace, 3, (short) 1),
                Topic.AGENT_LISTS.newTopic(namespace, 3, (short) 1)));
        try (JavaProcess projector = context.services().projector(Services.freePort(), bootstrap,
                namespace.prefix(), projectorProperties);
                KafkaProducer<String, SessionEvent> producer = producer(bootstrap)) {
            String sessionEvents = namespace.name(Topic.SESSION_EVENTS);
            TopicTap projected = new TopicTap(bootstrap, namespace.name(Topic.SESSION_STATE), true);
            // Sees the output as soon as it is appended, before its transaction commits: splits the hop in two.
            TopicTap appended = new TopicTap(bootstrap, namespace.name(Topic.SESSION_STATE), false);
            Pipeline.awaitTopics(context, namespace, Duration.ofMinutes(3), Topic.SESSION_STATE);
            projected.start();
            appended.start();
            List<SessionRow> rows = new ArrayList<>();
            for (int i = 0; i < sessions; i++) {
                rows.add(BenchRows.row(i, 0, rowBytes, -1));
            }
            producer.send(new ProducerRecord<>(sessionEvents, CONNECTION_ID, SnapshotChunk.of(CONNECTION_ID,
                    UUID.randomUUID().toString(), "initial", 0, 1, sessions, System.currentTimeMillis(), rows)));
            drive(producer, sessionEvents, sessions, rowBytes, rate, options.integer("warmup", 10), 0);
            BareKafkaHop bare = new BareKafkaHop(context.broker(), namespace.prefix());
            bare.start(rate);
            projected.record();
            appended.record();
            CpuWindow cpu = new CpuWindow(List.of(projector.pid()));
            long changes = drive(producer, sessionEvents, sessions, rowBytes, rate, seconds, 1_000_000);
            Thread.sleep(1000);
            double projectorPercent = cpu.percentOfOneCore();
            Histogram projectedMicros = projected.stop();
            Histogram appendedMicros = appended.stop();
            Histogram bareMicros = bare.stop();

            double p50 = Histograms.millis(projectedMicros.getValueAtPercentile(50));
            double p99 = Histograms.millis(projectedMicros.getValueAtPercentile(99));
            report.figure("produce -> session-state committed, p50", p50 + " ms", "-", null);
            report.figure("produce -> session-state committed, p90",
                    Histograms.millis(projectedMicros.getValueAtPercentile(90)) + " ms", "-", null);
            report.figure("produce -> session-state committed, p99", p99 + " ms", "<= 20 ms", p99 <= 20);
            report.figure("produce -> session-state committed, p99.9",
                    Histograms.millis(projectedMicros.getValueAtPercentile(99.9)) + " ms", "-", null);
            report.figure("produce -> session-state committed, max",
                    Histograms.millis(projectedMicros.getMaxValue()) + " ms", "-", null);
            report.figure("produce -> session-state appended (uncommitted), p50 / p99",
                    Histograms.millis(appendedMicros.getValueAtPercentile(50)) + " / "
                            + Histograms.millis(appendedMicros.getValueAtPercentile(99)) + " ms", "-", null);
            report.figure("bare Kafka hop p50 / p99", Histograms.millis(bareMicros.getValueAtPercentile(50)) + " / "
                    + Histograms.millis(bareMicros.getValueAtPercentile(99)) + " ms", "-", null);
            report.figure("changes timed / sent", projectedMicros.getTotalCount() + " / " + changes, "all",
                    projectedMicros.getTotalCount() >= changes);
            report.figure("projector CPU", projectorPercent + " % of a core", "-", null);
            ObjectNode details = report.details();
            Histograms.summarizeMicrosAsMillis(projectedMicros, details.putObject("latency"));
            Histograms.summarizeMicrosAsMillis(appendedMicros, details.putObject("appendedUncommitted"));
            Histograms.summarizeMicrosAsMillis(bareMicros, details.putObject("bareKafkaHop"));
            details.put("histogram", Histograms.encode(projectedMicros));
            details.put("loadAverageEnd", Machine.loadAverage());
            report.note("projector settings: " + (projectorProperties.length == 0 ? "defaults"
                    : String.join(" ", projectorProperties)));
        }
        report.save(context.results());
    }

    private static KafkaProducer<String, SessionEvent> producer(String bootstrap) {
        // The ingestor's producer settings that matter for latency: idempotent, no linger.
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(),
                ContractSerdes.sessionEvents().serializer());
    }

    /** Upserts sessions round robin at {@code rate} for {@code seconds}, each stamped; returns how many. */
    private static long drive(KafkaProducer<String, SessionEvent> producer, String topic, int sessions, int rowBytes,
            int rate, int seconds, long versionBase) {
        return Pacer.run(rate, seconds, i -> {
            SessionRow row = BenchRows.row((int) (i % sessions), versionBase + i + 1, rowBytes,
                    BenchTimestamps.nowMicros());
            producer.send(new ProducerRecord<>(topic, CONNECTION_ID, SessionUpserted.of(CONNECTION_ID, "patch",
                    null, System.currentTimeMillis(), row)));
        });
    }
}

package io.crewstream.bench.scenario;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.bench.load.BenchRows;
import io.crewstream.bench.load.Pacer;
import io.crewstream.bench.load.TableWriter;
import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.NchanPeer;
import io.crewstream.bench.process.ProcessStats;
import io.crewstream.bench.process.Services;
import io.crewstream.bench.spike.NettySseSpike;
import io.crewstream.bench.spike.ReactorNettySseSpike;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.SseSession;

/**
 * A server measured in the side-by-side fan-out scenarios: the SSE gateway, nginx + Nchan (the peer) or one of the
 * spikes, each started fresh, given the same initial state ({@code sessions} rows of {@code rowBytes}) and the same
 * publishing pattern. For the gateway and the spike the harness writes the session-state table (the projector's
 * part) and the send stamp is taken before the write to Kafka; for Nchan it POSTs the same event bodies and the stamp
 * is taken before the POST. Not thread-safe: one harness thread drives it.
 */
sealed interface FanOutSubject extends AutoCloseable {

    /** The peer every ratio is taken against. */
    String PEER = "nchan";

    String name();

    URI events();

    /** The processes whose CPU the subject costs (the JVM; Nchan's worker). */
    List<Long> pids();

    long rssKb();

    /** Updates sessions round robin at {@code perSecond} for {@code seconds}; returns how many it sent. */
    long publish(double perSecond, double seconds);

    @Override
    void close();

    static FanOutSubject start(String name, BenchContext context, Setup setup) {
        return switch (name) {
            case PEER -> Nchan.start(context, setup);
            case "gateway" -> Gateway.start(context, setup);
            case "spike" -> Spike.start(context, setup, name, NettySseSpike.class);
            case "reactor-spike" -> Spike.start(context, setup, name, ReactorNettySseSpike.class);
            default -> throw new IllegalArgumentException("unknown subject '" + name
                    + "' (nchan, gateway, spike or reactor-spike)");
        };
    }

    /**
     * What every subject is started with.
     * @param heap every JVM subject's heap (fixed: -Xms = -Xmx)
     * @param jfrPrefix where JVM subjects write a JFR CPU profile ({@code <prefix>-<subject>.jfr}); null for none
     * @param jvmExtras more options for every JVM subject ({@code --jvm-options <a>,<b>})
     */
    record Setup(int sessions, int rowBytes, String heap, Path jfrPrefix, List<String> jvmExtras,
            String[] gatewayProperties) {

        /**
         * From the scenario's options: {@code --sessions}, {@code --row-bytes 500}, {@code --gateway-heap 1g},
         * {@code --jfr <prefix>} (or the older {@code --gateway-jfr}), {@code --jvm-options <a>,<b>} (commas,
         * because the whole argument line arrives as one Maven property split at spaces),
         * {@code --gateway-properties}.
         */
        static Setup of(BenchContext context, Options options, int defaultSessions) {
            String recording = options.text("jfr", options.text("gateway-jfr", ""));
            String extras = options.text("jvm-options", "").trim();
            return new Setup(options.integer("sessions", defaultSessions), options.integer("row-bytes", 500),
                    options.text("gateway-heap", "1g"),
                    recording.isEmpty() ? null : context.repository().resolve(recording),
                    extras.isEmpty() ? List.of() : List.of(extras.split(",")),
                    options.springArguments("gateway-properties"));
        }

        List<String> jvmOptions(String subject) {
            List<String> jvm = new ArrayList<>(List.of("-Xmx" + this.heap, "-Xms" + this.heap));
            jvm.addAll(this.jvmExtras);
            if (this.jfrPrefix != null) {
                jvm.add("-XX:StartFlightRecording=settings=profile,dumponexit=true,filename=" + this.jfrPrefix
                        + "-" + subject + ".jfr");
            }
            return jvm;
        }
    }

    /**
     * The subjects named by {@code --subjects} (default {@code nchan,gateway}), the peer first when it is named at
     * all: the others are published to at the rate the peer achieved, which is known only after its run.
     */
    static List<String> names(Options options) {
        List<String> names = Arrays.stream(options.text("subjects", PEER + ",gateway").split(",")).map(String::trim)
                .toList();
        if (names.contains(PEER) && !names.get(0).equals(PEER)) {
            throw new IllegalArgumentException("--subjects must name " + PEER + " first (got " + names + ")");
        }
        return names;
    }

    /** The SSE gateway, reading a table the harness writes. */
    record Gateway(GatewayUnderTest gateway, TableWriter writer, int sessions) implements FanOutSubject {

        static Gateway start(BenchContext context, Setup setup) {
            TopicNamespace namespace = context.namespace("bench-fanout-gateway");
            TableWriter writer = seededTable(context, namespace, setup);
            try {
                return new Gateway(GatewayUnderTest.start(context, namespace.prefix(), setup.jvmOptions("gateway"),
                        setup.gatewayProperties()), writer, setup.sessions());
            }
            catch (RuntimeException ex) {
                writer.close();
                throw ex;
            }
        }

        @Override
        public String name() {
            return "gateway";
        }

        @Override
        public URI events() {
            return this.gateway.events();
        }

        @Override
        public List<Long> pids() {
            return List.of(this.gateway.pid());
        }

        @Override
        public long rssKb() {
            return this.gateway.rssKb();
        }

        @Override
        public long publish(double perSecond, double seconds) {
            return this.writer.run(this.sessions, perSecond, seconds);
        }

        @Override
        public void close() {
            this.gateway.close();
            this.writer.close();
        }
    }

    /**
     * A spike of issue #19 ({@link NettySseSpike} as {@code spike}, {@link ReactorNettySseSpike} as
     * {@code reactor-spike}) in a JVM of its own, reading a table the harness writes.
     */
    record Spike(String name, JavaProcess process, int port, TableWriter writer, int sessions)
            implements FanOutSubject {

        static Spike start(BenchContext context, Setup setup, String name, Class<?> mainClass) {
            TopicNamespace namespace = context.namespace("bench-fanout-" + name);
            TableWriter writer = seededTable(context, namespace, setup);
            int port = Services.freePort();
            JavaProcess process = JavaProcess.start(name, context.logs(),
                    setup.jvmOptions(name),
                    List.of("-cp", JavaProcess.ownClasspath(), mainClass.getName(), "--port",
                            String.valueOf(port), "--bootstrap-servers", context.broker().bootstrapServers(),
                            "--topic", namespace.name(Topic.SESSION_STATE)),
                    Map.of());
            try {
                process.awaitLine("READY"::equals, Duration.ofMinutes(1));
                return new Spike(name, process, port, writer, setup.sessions());
            }
            catch (RuntimeException ex) {
                process.close();
                writer.close();
                throw ex;
            }
        }

        @Override
        public URI events() {
            return URI.create("http://127.0.0.1:" + this.port + "/api/events");
        }

        @Override
        public List<Long> pids() {
            return List.of(this.process.pid());
        }

        @Override
        public long rssKb() {
            return ProcessStats.rssKb(this.process.pid());
        }

        @Override
        public long publish(double perSecond, double seconds) {
            return this.writer.run(this.sessions, perSecond, seconds);
        }

        @Override
        public void close() {
            this.process.close();
            this.writer.close();
        }
    }

    /** nginx + Nchan; the harness publishes the gateway's own event bodies to it. */
    record Nchan(NchanPeer peer, int sessions, int rowBytes) implements FanOutSubject {

        static Nchan start(BenchContext context, Setup setup) {
            NchanPeer peer = NchanPeer.start(context.logs().resolve("nchan"));
            Nchan nchan = new Nchan(peer, setup.sessions(), setup.rowBytes());
            try {
                // The initial state a subscriber starts with (first_message -1 hands it the newest message).
                List<SseSession> rows = new ArrayList<>();
                for (int i = 0; i < setup.sessions(); i++) {
                    rows.add(session(i, 1, setup.rowBytes(), -1));
                }
                peer.publish(SseEventType.SESSIONS_REFRESH.eventName(),
                        ContractJson.mapper().writeValueAsBytes(Map.of("sessions", rows)));
                return nchan;
            }
            catch (RuntimeException ex) {
                peer.close();
                throw ex;
            }
        }

        private static SseSession session(int index, long revision, int rowBytes, long sentAtMicros) {
            return new SseSession(TableWriter.CONNECTION_ID, BenchRows.row(index, revision, rowBytes, sentAtMicros));
        }

        @Override
        public String name() {
            return PEER;
        }

        @Override
        public URI events() {
            return this.peer.events();
        }

        @Override
        public List<Long> pids() {
            return List.of(this.peer.workerPid());
        }

        @Override
        public long rssKb() {
            return this.peer.rssKb();
        }

        /**
         * One keep-alive publisher POSTing in sequence, as the reference says; Nchan answers once the message is
         * written to every subscriber, so this is also where Nchan's own limit shows (see {@link Pacer}: a late step
         * is caught up at once, and the run then takes longer than {@code seconds}).
         */
        @Override
        public long publish(double perSecond, double seconds) {
            String event = SseEventType.SESSION_UPDATED.eventName();
            return Pacer.run(perSecond, seconds, i -> this.peer.publish(event, ContractJson.mapper()
                    .writeValueAsBytes(session((int) (i % this.sessions), 2 + i / this.sessions, this.rowBytes,
                            BenchTimestamps.nowMicros()))));
        }

        @Override
        public void close() {
            this.peer.close();
        }
    }

    private static TableWriter seededTable(BenchContext context, TopicNamespace namespace, Setup setup) {
        TableWriter.createTopics(context.broker(), namespace);
        TableWriter writer = new TableWriter(context.broker().bootstrapServers(), namespace, setup.rowBytes());
        writer.seed(setup.sessions());
        return writer;
    }
}

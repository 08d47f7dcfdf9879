package io.crewstream.ingestor.upstream;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.crewstream.ingestor.config.IngestorConfigValidator;
import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.upstream.UpstreamEffect.PublishStatus;
import io.crewstream.ingestor.upstream.UpstreamEffect.ScheduleTimer;
import io.crewstream.ingestor.upstream.UpstreamEffect.SendFrame;
import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.testsupport.time.MovableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Drives an {@link UpstreamSession} without a socket, a thread or a broker, in the spirit of Kafka Streams'
 * {@code TopologyTestDriver}: feed it inputs, read the effects, move a virtual clock forward (which fires the timers
 * that fall due, in order). {@link Frames} builds what a gateway sends.
 *
 * <p>Not thread-safe: one test, one thread.
 */
final class UpstreamSessionDriver {

    static final String CONNECTION = "gw";
    static final String TOKEN = "driver-token-5c1e";
    static final long START = 1_795_398_400_000L;
    /** The tick interval {@link #handshake} agrees: long enough for a reconciliation (60 s) without a tick timeout. */
    static final long TICK_MS = 60_000;

    private final MovableClock clock = new MovableClock(Instant.ofEpochMilli(START));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UpstreamSession session;
    private final List<UpstreamEffect> effects = new ArrayList<>();
    // Not forgotten by clear(): answers need the ids of requests sent before.
    private final List<SendFrame> requests = new ArrayList<>();
    private final Map<SessionTimer, Long> timers = new LinkedHashMap<>();

    UpstreamSessionDriver() {
        this(settings());
    }

    /** Backoff draws the ceiling itself (no jitter): the first retry waits {@code backoffInitial}. */
    UpstreamSessionDriver(IngestorProperties.Connection settings) {
        IngestorProperties properties = new IngestorProperties(List.of(new IngestorProperties.Upstream(CONNECTION,
                "ws://127.0.0.1:18789", "TOKEN", null, true)), new IngestorProperties.Kafka(3, false,
                Duration.ofSeconds(30), 262_144, 900_000, 100_000), settings, false, null, IngestorProperties.Ownership.DEFAULTS);
        UpstreamTarget target = new IngestorConfigValidator(name -> TOKEN).validate(properties).get(0);
        this.session = new UpstreamSession(target, settings, false, "test",
                new ReconnectBackoff(settings.backoffInitial(), settings.backoffMax(), bound -> bound),
                new UpstreamMetrics(CONNECTION, this.registry), this.clock);
    }

    /**
     * The defaults of {@code crewstream.ingestor.connection}, but for a short backoff (1 s), status restatements
     * 5 s apart and a reconciliation every 60 s.
     */
    static IngestorProperties.Connection settings() {
        return settings(Duration.ofSeconds(60));
    }

    /** {@link #settings()} with another {@code reconciliation-interval}. */
    static IngestorProperties.Connection settings(Duration reconciliationInterval) {
        return new IngestorProperties.Connection(reconciliationInterval, Duration.ofSeconds(1),
                Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(10),
                Duration.ofSeconds(30), 500, Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    UpstreamSession session() {
        return this.session;
    }

    SimpleMeterRegistry meters() {
        return this.registry;
    }

    long now() {
        return this.clock.millis();
    }

    ConnectionPhase phase() {
        return this.session.phase();
    }

    // ---- inputs ------------------------------------------------------------------------------------------------

    /** Feeds one input; returns its effects (also kept for {@link #effects()}). */
    List<UpstreamEffect> feed(UpstreamInput input) {
        List<UpstreamEffect> out = this.session.handle(input);
        for (UpstreamEffect effect : out) {
            if (effect instanceof ScheduleTimer schedule) {
                this.timers.remove(schedule.timer());
                this.timers.put(schedule.timer(), now() + schedule.delay().toMillis());
            }
            else if (effect instanceof UpstreamEffect.CancelTimer cancel) {
                this.timers.remove(cancel.timer());
            }
            else if (effect instanceof SendFrame send) {
                this.requests.add(send);
            }
        }
        this.effects.addAll(out);
        return out;
    }

    List<UpstreamEffect> start() {
        return feed(new UpstreamInput.Start());
    }

    List<UpstreamEffect> stop() {
        return feed(new UpstreamInput.Stop());
    }

    List<UpstreamEffect> opened() {
        return feed(new UpstreamInput.SocketOpened());
    }

    /** A text frame from the gateway, received now. */
    List<UpstreamEffect> receive(String frame) {
        return feed(new UpstreamInput.FrameReceived(frame, frame.length(), now()));
    }

    List<UpstreamEffect> closedByGateway(int code, String reason) {
        return feed(new UpstreamInput.SocketClosed(code, reason));
    }

    /** Answers the last request of this method with a successful response carrying {@code payload}. */
    List<UpstreamEffect> answer(String method, String payload) {
        return receive(Frames.ok(lastRequestId(method), payload));
    }

    /** Answers the last request of this method with an error. */
    List<UpstreamEffect> fail(String method, String error) {
        return receive(Frames.error(lastRequestId(method), error));
    }

    /**
     * Start, open, challenge, {@code hello-ok} (tick {@value #TICK_MS} ms), {@code sessions.subscribe} answered with
     * these rows in one page, {@code agents.list} answered with no agents: the session is live.
     */
    UpstreamSessionDriver connected(ObjectNode... rows) {
        start();
        handshake(rows);
        return this;
    }

    /** From an open-pending socket (after a start or a reconnect) to live. */
    UpstreamSessionDriver handshake(ObjectNode... rows) {
        opened();
        receive(Frames.challenge());
        answer(GatewayRequests.CONNECT, Frames.helloOk(TICK_MS));
        answer(GatewayRequests.AGENTS_LIST, Frames.agents());
        answer(GatewayRequests.SESSIONS_SUBSCRIBE, Frames.subscribed(rows));
        return this;
    }

    // ---- time --------------------------------------------------------------------------------------------------

    /** Moves the clock forward, firing every timer that falls due on the way, each at its due time. */
    UpstreamSessionDriver advance(Duration by) {
        long until = now() + by.toMillis();
        while (true) {
            Optional<Map.Entry<SessionTimer, Long>> due = this.timers.entrySet().stream()
                    .filter(entry -> entry.getValue() <= until).min(Map.Entry.comparingByValue());
            if (due.isEmpty()) {
                break;
            }
            this.timers.remove(due.get().getKey());
            this.clock.at(Math.max(now(), due.get().getValue()));
            feed(new UpstreamInput.TimerFired(due.get().getKey()));
        }
        this.clock.at(until);
        return this;
    }

    /** The timers pending and when they fall due, earliest first. */
    Map<SessionTimer, Long> timers() {
        Map<SessionTimer, Long> sorted = new LinkedHashMap<>();
        this.timers.entrySet().stream().sorted(Comparator.comparing(Map.Entry::getValue))
                .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
        return sorted;
    }

    // ---- effects -----------------------------------------------------------------------------------------------

    /** Every effect since the start or the last {@link #clear()}. */
    List<UpstreamEffect> effects() {
        return List.copyOf(this.effects);
    }

    <T extends UpstreamEffect> List<T> effects(Class<T> type) {
        return this.effects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** Forgets the effects so far (not the timers). */
    UpstreamSessionDriver clear() {
        this.effects.clear();
        return this;
    }

    List<ConnectionStatusEvent> statuses() {
        return effects(PublishStatus.class).stream().map(PublishStatus::status).toList();
    }

    ConnectionStatusEvent lastStatus() {
        List<ConnectionStatusEvent> statuses = statuses();
        return statuses.get(statuses.size() - 1);
    }

    /** The methods of the frames sent, in order. */
    List<String> sentMethods() {
        return effects(SendFrame.class).stream().map(SendFrame::method).toList();
    }

    /** The request of this method sent last (before a {@link #clear()} too), parsed. */
    JsonNode lastRequest(String method) {
        List<SendFrame> sent = this.requests.stream().filter(send -> send.method().equals(method)).toList();
        if (sent.isEmpty()) {
            throw new AssertionError("no " + method + " request among "
                    + this.requests.stream().map(SendFrame::method).toList());
        }
        return JsonMapper.shared().readTree(sent.get(sent.size() - 1).text());
    }

    String lastRequestId(String method) {
        return lastRequest(method).path("id").asString();
    }

    double counter(String name, String... tags) {
        return this.registry.get(name).tags(tags).counter().count();
    }

    /** Builders of the frames a gateway sends (protocol 4, as {@code openclaw@2026.9.6} shapes them). */
    static final class Frames {

        private Frames() {
        }

        static String challenge() {
            return "{\"type\":\"event\",\"event\":\"connect.challenge\",\"payload\":{\"nonce\":\"n\",\"ts\":1}}";
        }

        /** A {@code hello-ok} payload granting {@code operator.read}, with this tick interval. */
        static String helloOk(long tickIntervalMs) {
            return "{\"type\":\"hello-ok\",\"protocol\":4,\"server\":{\"version\":\"2026.9.6\"},"
                    + "\"auth\":{\"role\":\"operator\",\"scopes\":[\"operator.read\"]},"
                    + "\"policy\":{\"tickIntervalMs\":" + tickIntervalMs + ",\"maxPayload\":1048576}}";
        }

        static String ok(String id, String payload) {
            return "{\"type\":\"res\",\"id\":\"" + id + "\",\"ok\":true,\"payload\":" + payload + "}";
        }

        /** A failed response; {@code error} is the error object. */
        static String error(String id, String error) {
            return "{\"type\":\"res\",\"id\":\"" + id + "\",\"ok\":false,\"error\":" + error + "}";
        }

        static String errorObject(String code, String detailsCode, Long retryAfterMs) {
            ObjectNode error = JsonMapper.shared().createObjectNode();
            error.put("code", code);
            error.put("message", "scripted");
            if (detailsCode != null) {
                error.putObject("details").put("code", detailsCode);
            }
            if (retryAfterMs != null) {
                error.put("retryAfterMs", retryAfterMs);
            }
            return error.toString();
        }

        /** A {@code sessions.list} result: one page. */
        static String page(boolean hasMore, Long nextOffset, ObjectNode... rows) {
            ObjectNode page = JsonMapper.shared().createObjectNode();
            ArrayNode sessions = page.putArray("sessions");
            for (ObjectNode row : rows) {
                sessions.add(row.deepCopy());
            }
            page.put("hasMore", hasMore);
            if (nextOffset != null) {
                page.put("nextOffset", nextOffset);
            }
            return page.toString();
        }

        static String lastPage(ObjectNode... rows) {
            return page(false, null, rows);
        }

        /** A {@code sessions.subscribe} result holding the first (and only) page. */
        static String subscribed(ObjectNode... rows) {
            return "{\"subscribed\":true,\"list\":" + lastPage(rows) + "}";
        }

        static String agents(String... ids) {
            ObjectNode result = JsonMapper.shared().createObjectNode();
            result.put("defaultId", ids.length > 0 ? ids[0] : "main");
            result.put("mainKey", "main");
            ArrayNode agents = result.putArray("agents");
            for (String id : ids) {
                agents.addObject().put("id", id).put("name", id);
            }
            return result.toString();
        }

        static String event(String name, Long seq, String payload) {
            return "{\"type\":\"event\",\"event\":\"" + name + "\"" + (seq != null ? ",\"seq\":" + seq : "")
                    + ",\"payload\":" + payload + "}";
        }

        static String tick(long seq) {
            return event("tick", seq, "{\"ts\":1}");
        }

        static String shutdown(long seq, Long restartExpectedMs) {
            return event("shutdown", seq, "{\"reason\":\"restart\""
                    + (restartExpectedMs != null ? ",\"restartExpectedMs\":" + restartExpectedMs : "") + "}");
        }

        /** A keyed {@code sessions.changed} carrying the row. */
        static String changed(long seq, String reason, ObjectNode row) {
            ObjectNode payload = JsonMapper.shared().createObjectNode();
            payload.put("sessionKey", row.path("key").asString());
            payload.put("reason", reason);
            payload.set("session", row.deepCopy());
            return event("sessions.changed", seq, payload.toString());
        }

        static String deleted(long seq, String key) {
            return event("sessions.changed", seq, "{\"sessionKey\":\"" + key + "\",\"reason\":\"delete\"}");
        }

        static String keyless(long seq, String reason) {
            return event("sessions.changed", seq, "{\"reason\":\"" + reason + "\"}");
        }

        static ObjectNode row(String key, long updatedAt, String label) {
            ObjectNode row = JsonMapper.shared().createObjectNode();
            row.put("key", key);
            row.put("kind", "direct");
            row.put("label", label);
            row.put("updatedAt", updatedAt);
            return row;
        }

        /** An {@code agent} lifecycle event of a run. */
        static String runStep(long seq, String runId, String phase, long runSeq) {
            return event("agent", seq, "{\"runId\":\"" + runId + "\",\"stream\":\"lifecycle\",\"data\":{\"phase\":\""
                    + phase + "\"},\"sessionKey\":\"agent:main:main\",\"agentId\":\"main\",\"seq\":" + runSeq
                    + ",\"ts\":" + START + "}");
        }
    }
}

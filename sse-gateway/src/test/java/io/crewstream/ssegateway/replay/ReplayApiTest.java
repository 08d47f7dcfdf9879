package io.crewstream.ssegateway.replay;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.Timeline;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import static io.crewstream.ssegateway.support.Timeline.removal;
import static io.crewstream.ssegateway.support.Timeline.row;
import static io.crewstream.ssegateway.support.Timeline.snapshot;
import static io.crewstream.ssegateway.support.Timeline.upsert;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The replay API on a real gateway instance over a timeline written through the real broker with explicit Kafka
 * timestamps: each endpoint's exact answers, stepping through every change forwards and back, and every refusal.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayApiTest {

    private static final String A = "gw-a";

    private static final String B = "gw-b";

    private static final String TOKEN = "replay-test-token";

    /** A day ago, whole seconds: a time the broker takes as a record timestamp, and readable in a failure. */
    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(1));

    private Timeline timeline;

    private GatewayApp gateway;

    private static Instant t(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @BeforeAll
    void writeTimelineAndStart(KafkaBroker broker) {
        this.timeline = Timeline.create(broker, "replay-api");
        this.timeline.known(A);
        this.timeline.known(B);
        this.timeline.status(t(0), A, UpstreamState.CONNECTED);
        this.timeline.event(t(1), snapshot(A, "s1", row("a", "running"), row("b", "running")));
        this.timeline.event(t(5), snapshot(B, "x1", row("x", "running")));
        this.timeline.frame(t(10), A, "sessions.changed", 11L, "{\"type\":\"event\",\"event\":\"sessions.changed\","
                + "\"payload\":{\"sessionKey\":\"a\"},\"seq\":11}");
        this.timeline.event(t(10), upsert(A, row("a", "done"), 11));
        this.timeline.event(t(15), upsert(B, row("x", "done"), 3));
        this.timeline.frame(t(20), A, "sessions.changed", 12L, "{\"type\":\"event\",\"event\":\"sessions.changed\","
                + "\"payload\":{\"sessionKey\":\"b\",\"reason\":\"delete\"},\"seq\":12}");
        this.timeline.event(t(20), removal(A, "b", 12));
        this.timeline.status(t(30), A, UpstreamState.UNREACHABLE);
        this.timeline.status(t(40), A, UpstreamState.CONNECTED);
        this.timeline.frame(t(41), A, null, null, "{\"type\":\"res\",\"ok\":true,\"payload\":{\"sessions\":"
                + "[{\"key\":\"a\"},{\"key\":\"c\"}]}}");
        // "a" again, unchanged but for its volatile snapshotAt: no change.
        this.timeline.event(t(41), snapshot(A, "s2", row("a", "done"), row("c", "queued")));
        // Fifteen quiet minutes: the search for the next change has to widen its window.
        this.timeline.event(t(900), upsert(A, row("c", "running"), 20));
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.timeline.prefix());
    }

    @AfterAll
    void stop() {
        if (this.gateway != null) {
            this.gateway.close();
        }
        this.timeline.close();
    }

    @Test
    void connectionsListsEveryKnownGateway() {
        assertThat(json("/api/replay/connections").toString()).isEqualTo("{\"connections\":[\"gw-a\",\"gw-b\"]}");
    }

    @Test
    void rangeIsWhatTheSessionEventsTopicHoldsOfTheConnection() {
        JsonNode range = json("/api/replay/range?connection=" + A);
        assertThat(range.toString()).isEqualTo("{\"connection\":\"gw-a\",\"earliest\":\"" + t(1) + "\",\"latest\":\""
                + t(900) + "\"}");
    }

    @Test
    void stateIsTheTableAsOfTheInstantWithTheStatusThenAndItsBasis() {
        JsonNode state = json("/api/replay/state?connection=" + A + "&at=" + t(15));
        assertThat(state.get("connection").asString()).isEqualTo(A);
        assertThat(state.get("at").asString()).isEqualTo(t(15).toString());
        assertThat(sessions(state)).containsExactly("a done", "b running");
        JsonNode first = state.get("sessions").get(0);
        assertThat(first.propertyNames()).as("the row as the gateway sent it").containsExactly("key", "kind",
                "status", "snapshotAt");
        assertThat(state.get("status").get("state").asString()).isEqualTo("connected");
        assertThat(state.get("basis").get("snapshotId").asString()).isEqualTo("s1");
        assertThat(state.get("basis").get("at").asString()).isEqualTo(t(1).toString());
        assertThat(state.get("basis").get("sessions").asInt()).isEqualTo(2);
        assertThat(state.get("exact").asBoolean()).isTrue();

        JsonNode outage = json("/api/replay/state?connection=" + A + "&at=" + t(35));
        assertThat(sessions(outage)).as("the sessions stay during an outage").containsExactly("a done");
        assertThat(outage.get("status").get("state").asString()).isEqualTo("unreachable");
        assertThat(outage.get("status").get("reason").asString()).isEqualTo("connection refused");

        JsonNode later = json("/api/replay/state?connection=" + A + "&at=" + t(600));
        assertThat(sessions(later)).containsExactly("a done", "c queued");
        assertThat(later.get("basis").get("snapshotId").asString()).isEqualTo("s2");
    }

    @Test
    void stateRowsCanBeCutToTheFieldsAPageShows() {
        JsonNode state = json("/api/replay/state?connection=" + A + "&at=" + t(15) + "&fields=status,label");
        assertThat(state.get("sessions").toString()).as("the key always, absent fields absent")
                .isEqualTo("[{\"key\":\"a\",\"status\":\"done\"},{\"key\":\"b\",\"status\":\"running\"}]");
        assertError("/api/replay/state?connection=" + A + "&at=now&fields=status,,label", 400,
                "?fields= has an empty item; leave the parameter out for all");
    }

    @Test
    void stateBeforeAnythingIsEmptyWithExplicitNulls() {
        JsonNode state = json("/api/replay/state?connection=" + A + "&at=" + t(-60));
        assertThat(state.toString()).isEqualTo("{\"connection\":\"gw-a\",\"at\":\"" + t(-60) + "\",\"status\":null,"
                + "\"basis\":null,\"exact\":true,\"sessions\":[]}");
    }

    @Test
    void stateAcceptsEveryTimeTheEngineReads() {
        JsonNode millis = json("/api/replay/state?connection=" + A + "&at=" + t(15).toEpochMilli());
        assertThat(millis.get("at").asString()).isEqualTo(t(15).toString());
        JsonNode offset = json("/api/replay/state?connection=" + A + "&at="
                + t(15).atOffset(java.time.ZoneOffset.ofHours(2)).toString().replace("+", "%2B"));
        assertThat(offset.get("at").asString()).isEqualTo(t(15).toString());
        assertThat(sessions(json("/api/replay/state?connection=" + A + "&at=now"))).containsExactly("a done",
                "c running");
        assertThat(sessions(json("/api/replay/state?connection=" + A + "&at=-2h"))).containsExactly("a done",
                "c running");
    }

    @Test
    void aStepForwardIsTheNextChangeWithEverythingItChanged() {
        JsonNode step = json("/api/replay/step?connection=" + A + "&at=" + t(5) + "&direction=next");
        assertThat(step.get("moveTo").asString()).isEqualTo(t(10).toString());
        assertThat(step.get("truncated").asBoolean()).isFalse();
        JsonNode change = step.get("change");
        assertThat(change.get("at").asString()).isEqualTo(t(10).toString());
        assertThat(change.get("connectionId").asString()).isEqualTo(A);
        assertThat(change.get("sessionKey").asString()).isEqualTo("a");
        assertThat(change.get("kind").asString()).isEqualTo("updated");
        assertThat(change.get("fields").toString()).as("the volatile snapshotAt is no change")
                .isEqualTo("[{\"field\":\"status\",\"before\":\"running\",\"after\":\"done\"}]");
        assertThat(change.get("cause").toString()).startsWith("{\"description\":\"delta patch, frame seq 11\","
                + "\"offset\":").endsWith(",\"snapshotId\":null,\"reason\":\"patch\",\"upstreamSeq\":11}");
        assertThat(change.get("before").get("status").asString()).isEqualTo("running");
        assertThat(change.get("after").get("status").asString()).isEqualTo("done");
        assertThat(step.get("changes")).hasSize(1);
        assertThat(step.get("changes").get(0)).isEqualTo(change);
    }

    @Test
    void changesWrittenAtTheSameInstantAreOneStep() {
        JsonNode step = json("/api/replay/step?connection=" + A + "&at=" + t(-60) + "&direction=next");
        assertThat(step.get("moveTo").asString()).isEqualTo(t(1).toString());
        assertThat(step.get("change").get("sessionKey").asString()).isEqualTo("a");
        assertThat(describe(step.get("changes"))).containsExactly("a created", "b created");
        JsonNode created = step.get("changes").get(1);
        assertThat(created.get("before").isNull()).isTrue();
        assertThat(created.get("after").get("key").asString()).isEqualTo("b");
        assertThat(created.get("cause").get("description").asString())
                .isEqualTo("snapshot s1 (reconciliation)");
        assertThat(created.get("cause").get("snapshotId").asString()).isEqualTo("s1");
        assertThat(created.get("cause").get("upstreamSeq").isNull()).isTrue();
    }

    @Test
    void steppingForwardVisitsEveryChangeAndSteppingBackReturnsThroughThemAll() {
        List<String> forward = new ArrayList<>();
        List<String> tables = new ArrayList<>();
        String at = t(-60).toString();
        while (true) {
            JsonNode step = json("/api/replay/step?connection=" + A + "&at=" + at + "&direction=next");
            if (step.get("change").isNull()) {
                assertThat(step.get("moveTo").isNull()).isTrue();
                assertThat(step.get("changes")).isEmpty();
                break;
            }
            at = step.get("moveTo").asString();
            assertThat(at).isEqualTo(step.get("change").get("at").asString());
            forward.add(at + " " + String.join(", ", describe(step.get("changes"))));
            tables.add(String.join(", ", sessions(json("/api/replay/state?connection=" + A + "&at=" + at))));
        }
        assertThat(forward).containsExactly(t(1) + " a created, b created", t(10) + " a updated",
                t(20) + " b removed", t(41) + " c created", t(900) + " c updated");
        assertThat(tables).containsExactly("a running, b running", "a done, b running", "a done", "a done, c queued",
                "a done, c running");

        List<String> back = new ArrayList<>();
        List<String> tablesBack = new ArrayList<>();
        while (true) {
            JsonNode step = json("/api/replay/step?connection=" + A + "&at=" + at + "&direction=previous");
            if (step.get("change").isNull()) {
                break;
            }
            JsonNode change = step.get("change");
            at = step.get("moveTo").asString();
            assertThat(Instant.parse(at)).as("just before the change")
                    .isEqualTo(Instant.parse(change.get("at").asString()).minusMillis(1));
            back.add(change.get("at").asString() + " " + change.get("sessionKey").asString() + " "
                    + change.get("kind").asString());
            tablesBack.add(String.join(", ", sessions(json("/api/replay/state?connection=" + A + "&at=" + at))));
        }
        assertThat(back).as("the last change of each instant").containsExactly(t(900) + " c updated",
                t(41) + " c created", t(20) + " b removed", t(10) + " a updated", t(1) + " b created");
        assertThat(tablesBack).as("each table the one before the change").containsExactly("a done, c queued",
                "a done", "a done, b running", "a running, b running", "");
        assertThat(at).isEqualTo(t(1).minusMillis(1).toString());
    }

    @Test
    void aStepBackThenForwardSelectsTheSameChange() {
        JsonNode back = json("/api/replay/step?connection=" + A + "&at=" + t(25) + "&direction=previous");
        assertThat(back.get("change").get("sessionKey").asString()).isEqualTo("b");
        JsonNode forward = json("/api/replay/step?connection=" + A + "&at=" + back.get("moveTo").asString()
                + "&direction=next");
        assertThat(forward.get("change")).isEqualTo(back.get("change"));
        assertThat(forward.get("moveTo").asString()).isEqualTo(t(20).toString());
    }

    @Test
    void thereIsNothingBeyondTheEnds() {
        JsonNode after = json("/api/replay/step?connection=" + A + "&at=" + t(900) + "&direction=next");
        assertThat(after.toString()).isEqualTo("{\"connection\":\"gw-a\",\"at\":\"" + t(900) + "\",\"direction\":"
                + "\"next\",\"change\":null,\"changes\":[],\"truncated\":false,\"moveTo\":null}");
        JsonNode before = json("/api/replay/step?connection=" + A + "&at=" + t(0) + "&direction=previous");
        assertThat(before.get("change").isNull()).isTrue();
    }

    @Test
    void framesOfASpanComeInOrderWithTheirTimeAndOffset() {
        JsonNode answer = json("/api/replay/frames?connection=" + A + "&from=" + t(5) + "&to=" + t(25));
        assertThat(answer.get("truncated").asBoolean()).isFalse();
        JsonNode frames = answer.get("frames");
        assertThat(frames).hasSize(2);
        JsonNode first = frames.get(0);
        assertThat(first.get("at").asString()).isEqualTo(t(10).toString());
        assertThat(first.get("offset").asLong()).isZero();
        assertThat(first.get("connectionId").asString()).isEqualTo(A);
        assertThat(first.get("frameType").asString()).isEqualTo("event");
        assertThat(first.get("event").asString()).isEqualTo("sessions.changed");
        assertThat(first.get("seq").asLong()).isEqualTo(11);
        assertThat(first.get("text").asString()).contains("\"sessionKey\":\"a\"");
        assertThat(frames.get(1).get("seq").asLong()).isEqualTo(12);
        assertThat(frames.get(1).get("offset").asLong()).isEqualTo(1);

        JsonNode all = json("/api/replay/frames?connection=" + A + "&from=" + t(0));
        assertThat(all.get("to").isNull()).isTrue();
        assertThat(all.get("frames")).extracting(frame -> frame.get("frameType").asString())
                .containsExactly("event", "event", "res");

        JsonNode one = json("/api/replay/frames?connection=" + A + "&from=" + t(0) + "&limit=1");
        assertThat(one.get("frames")).hasSize(1);
        assertThat(one.get("truncated").asBoolean()).isTrue();

        JsonNode naming = json("/api/replay/frames?connection=" + A + "&from=" + t(0) + "&session=c");
        assertThat(naming.get("frames")).extracting(frame -> frame.get("frameType").asString())
                .containsExactly("res");
    }

    @Test
    void badTimesAndRangesAre400WithTheEnginesMessage() {
        assertError("/api/replay/state?connection=" + A + "&at=yesterday", 400,
                "cannot read 'yesterday' as a time: use ISO-8601 (2026-12-01T21:15:00Z), epoch milliseconds, now, "
                        + "or -15m / -2h / -1d");
        assertError("/api/replay/state?connection=" + A + "&at=2026-12-01T10:00:00", 400,
                "cannot read '2026-12-01T10:00:00' as a time: give the time's zone, e.g. 2026-12-01T10:00:00Z or "
                        + "2026-12-01T10:00:00+01:00");
        assertError("/api/replay/frames?connection=" + A + "&from=" + t(20) + "&to=" + t(10), 400,
                "the end (" + t(10) + ") is before the start (" + t(20) + ")");
    }

    @Test
    void anUnknownConnectionIs404NamingTheKnownOnes() {
        String message = "no gateway connection 'gw-z'; known: gw-a, gw-b";
        assertError("/api/replay/range?connection=gw-z", 404, message);
        assertError("/api/replay/state?connection=gw-z&at=now", 404, message);
        assertError("/api/replay/step?connection=gw-z&at=now&direction=next", 404, message);
        assertError("/api/replay/frames?connection=gw-z&from=-1h", 404, message);
    }

    @Test
    void missingOrMalformedParametersAre400SayingWhich() {
        assertError("/api/replay/state?at=now", 400, "?connection= is required: the gateway connection id");
        assertError("/api/replay/range", 400, "?connection= is required: the gateway connection id");
        assertError("/api/replay/state?connection=" + A, 400, "?at= is required: a time (ISO-8601 with an offset, "
                + "epoch milliseconds, now, or -15m / -2h)");
        assertError("/api/replay/state?connection=" + A + "&at=", 400, "?at= is empty");
        assertError("/api/replay/state?connection=" + A + "&at=%20", 400, "?at= is empty");
        assertError("/api/replay/state?connection=" + A + "&at=now&at=-1h", 400, "?at= is given 2 times; give it "
                + "once");
        assertError("/api/replay/state?connection=GW%20A&at=now", 400, "?connection= is not a connection id: it "
                + "must be 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit");
        assertError("/api/replay/state?connection=" + A + "&at=now%07", 400, "?at= holds a control character");
        assertError("/api/replay/step?connection=" + A + "&at=now", 400, "?direction= is required: next or previous");
        assertError("/api/replay/step?connection=" + A + "&at=now&direction=sideways", 400,
                "?direction= must be next or previous");
        assertError("/api/replay/frames?connection=" + A, 400, "?from= is required: a time (ISO-8601 with an "
                + "offset, epoch milliseconds, now, or -15m / -2h)");
        assertError("/api/replay/frames?connection=" + A + "&from=-1h&limit=0", 400,
                "?limit= must be from 1 to 500 but was 0");
        assertError("/api/replay/frames?connection=" + A + "&from=-1h&limit=501", 400,
                "?limit= must be from 1 to 500 but was 501");
        assertError("/api/replay/frames?connection=" + A + "&from=-1h&limit=lots", 400,
                "?limit= must be a whole number from 1 to 500");
    }

    @Test
    void withTokensConfiguredTheApiNeedsOneAndTellsRetentionAndMissingTopics(KafkaBroker broker) throws Exception {
        try (Timeline old = Timeline.create(broker, "replay-api-auth", Topic.RAW_FRAMES)) {
            old.known(A);
            old.event(t(1), snapshot(A, "s1", row("a", "running")));
            old.event(t(10), upsert(A, row("a", "done"), 2));
            old.event(t(20), snapshot(A, "s2", row("a", "done")));
            try (Admin admin = Admin.create(broker.adminConfig())) {
                // What retention does after seven days: the first record is gone.
                admin.deleteRecords(Map.of(partitionOf(old, A), RecordsToDelete.beforeOffset(1))).all()
                        .get(30, TimeUnit.SECONDS);
            }
            try (GatewayApp secured = GatewayApp.start(broker.bootstrapServers(), old.prefix(),
                    "crewstream.sse.auth.tokens=" + TOKEN)) {
                for (String path : List.of("/api/replay/connections", "/api/replay/range?connection=" + A,
                        "/api/replay/state?connection=" + A + "&at=now",
                        "/api/replay/step?connection=" + A + "&at=now&direction=previous",
                        "/api/replay/frames?connection=" + A + "&from=-1h")) {
                    HttpResponse<String> response = secured.get(path);
                    assertThat(response.statusCode()).as(path).isEqualTo(401);
                    assertThat(response.body()).as(path).doesNotContain("gw-a");
                }
                Map<String, String> bearer = Map.of("Authorization", "Bearer " + TOKEN);
                assertThat(secured.get("/api/replay/connections", bearer).body())
                        .isEqualTo("{\"connections\":[\"gw-a\"]}");
                assertThat(secured.get("/api/replay/connections?access_token=" + TOKEN).statusCode())
                        .as("as the page sends it").isEqualTo(200);

                HttpResponse<String> lost = secured.get("/api/replay/state?connection=" + A + "&at=" + t(5), bearer);
                assertThat(lost.statusCode()).isEqualTo(410);
                assertThat(error(lost)).endsWith("the earliest time available is " + t(10));
                HttpResponse<String> kept = secured.get("/api/replay/state?connection=" + A + "&at=" + t(25),
                        bearer);
                assertThat(kept.statusCode()).isEqualTo(200);

                HttpResponse<String> missing = secured.get("/api/replay/frames?connection=" + A + "&from=" + t(0),
                        bearer);
                assertThat(missing.statusCode()).isEqualTo(503);
                assertThat(error(missing)).contains("has no topic " + old.namespace().name(Topic.RAW_FRAMES));
            }
        }
    }

    private JsonNode json(String path) {
        return this.gateway.getJson(path);
    }

    private void assertError(String path, int status, String message) {
        HttpResponse<String> response = this.gateway.get(path);
        assertThat(response.statusCode()).as(path).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).as(path).hasValue("application/json");
        assertThat(response.body()).as(path).isEqualTo("{\"status\":" + status + ",\"error\":"
                + ContractJson.mapper().writeValueAsString(message) + "}");
    }

    private static String error(HttpResponse<String> response) {
        return ContractJson.mapper().readTree(response.body()).get("error").asString();
    }

    /** "key status" of each session row, in the answer's order. */
    private static List<String> sessions(JsonNode state) {
        List<String> rows = new ArrayList<>();
        state.get("sessions").forEach(row -> rows.add(row.get("key").asString() + " " + row.get("status").asString()));
        return rows;
    }

    private static List<String> describe(JsonNode changes) {
        List<String> lines = new ArrayList<>();
        changes.forEach(change -> lines.add(change.get("sessionKey").asString() + " " + change.get("kind").asString()));
        return lines;
    }

    private static TopicPartition partitionOf(Timeline timeline, String connectionId) {
        return new TopicPartition(timeline.namespace().name(Topic.SESSION_EVENTS),
                Utils.toPositive(Utils.murmur2(connectionId.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                        % Timeline.PARTITIONS);
    }
}

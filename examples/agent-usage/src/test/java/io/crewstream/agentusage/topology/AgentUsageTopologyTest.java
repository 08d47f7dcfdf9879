package io.crewstream.agentusage.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import io.crewstream.agentusage.AgentUsageProperties;
import io.crewstream.agentusage.streams.StreamsSettings;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The usage rules, one test each, on the real topology and the real Streams settings (exactly-once, no cache) in
 * {@link TopologyTestDriver}. Input is what the projector writes to the session-state table: rows and tombstones,
 * each with its timestamp (the event time). Output lines read
 * {@code <connection>/<agent> @<minute> active=… created=… removed=… tokens=… runs={…}}, minutes counted from
 * {@link #T0}.
 */
class AgentUsageTopologyTest {

    private static final TopicNamespace NAMESPACE = new TopicNamespace("spec.");
    private static final Duration GRACE = Duration.ofMinutes(2);
    private static final String C1 = "gw-one";
    private static final String C2 = "gw-two";

    /** A minute's start: minute 0 of every test. */
    private static final long T0 = 1_795_398_360_000L;

    private static final Instant WALL_CLOCK = Instant.parse("2026-12-02T10:00:00Z");

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, SessionState> sessionState;
    private TestInputTopic<String, byte[]> rawSessionState;
    private TestOutputTopic<String, AgentUsageMinute> usage;

    @BeforeEach
    void startDriver() {
        AgentUsageProperties properties = new AgentUsageProperties("agent-usage-spec", "", "exactly_once_v2",
                Duration.ofMillis(10), this.stateDir, 1, GRACE, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(60), Map.of());
        Properties settings = StreamsSettings.of(properties,
                KafkaSettings.of("unused:9092", NAMESPACE.prefix()));
        this.driver = new TopologyTestDriver(new AgentUsageTopology(NAMESPACE, GRACE).build(), settings,
                WALL_CLOCK);
        this.sessionState = this.driver.createInputTopic(NAMESPACE.name(Topic.SESSION_STATE), new StringSerializer(),
                ContractSerdes.sessionState());
        this.rawSessionState = this.driver.createInputTopic(NAMESPACE.name(Topic.SESSION_STATE),
                new StringSerializer(), new ByteArraySerializer());
        this.usage = this.driver.createOutputTopic(NAMESPACE.name(Topic.AGENT_USAGE), new StringDeserializer(),
                ContractSerdes.forTopic(Topic.AGENT_USAGE, AgentUsageMinute.class));
    }

    @AfterEach
    void closeDriver() {
        this.driver.close();
    }

    @Test
    void firstSightOfASessionCountsItActiveButNotItsEarlierTokensAndOnlyACreatedRowCountsAsCreated() {
        created(C1, at(0, 5), "main", "a", "running", 40_000);
        // The app joined after this one was created: it exists, but it was not created now.
        updated(C1, at(0, 10), "main", "b", "running", 90_000);

        assertThat(minutes()).containsExactly(
                "gw-one/main @0 active=1 created=1 removed=0 tokens=0 runs={}",
                "gw-one/main @0 active=2 created=1 removed=0 tokens=0 runs={}");
    }

    @Test
    void tokensConsumedAreTheGrowthOfEachSessionsTotal() {
        created(C1, at(0, 1), "main", "a", "running", 1_000);
        created(C1, at(0, 2), "main", "b", "running", 5_000);
        drain();

        updated(C1, at(0, 20), "main", "a", "running", 1_600);
        updated(C1, at(0, 30), "main", "b", "running", 5_050);
        // A row without totalTokens says nothing about them.
        updated(C1, at(0, 40), "main", "a", "running", null);
        updated(C1, at(0, 50), "main", "a", "running", 1_700);

        assertThat(minutes()).containsExactly(
                "gw-one/main @0 active=2 created=2 removed=0 tokens=600 runs={}",
                "gw-one/main @0 active=2 created=2 removed=0 tokens=650 runs={}",
                "gw-one/main @0 active=2 created=2 removed=0 tokens=750 runs={}");
    }

    @Test
    void repeatedSnapshotRowsAndARebuiltTableAreNotCountedTwice() {
        created(C1, at(0, 1), "main", "a", "running", 1_000);
        updated(C1, at(0, 2), "main", "a", "running", 1_500);
        drain();

        // A reconciliation snapshot re-lists the row; a projector rebuilding its table publishes it as created again.
        updated(C1, at(0, 30), "main", "a", "running", 1_500);
        created(C1, at(1, 0), "main", "a", "running", 1_500);

        assertThat(minutes()).as("nothing changed: no session created, no token used, nothing written").isEmpty();
    }

    @Test
    void totalTokensGoingDownCountsAsAResetNotAsNegativeUsage() {
        created(C1, at(0, 1), "main", "a", "running", 10_000);
        drain();

        updated(C1, at(0, 10), "main", "a", "running", 12_000);
        // The gateway restarted and the session's counter with it: 300 used since, not -11,700.
        updated(C1, at(0, 20), "main", "a", "running", 300);
        updated(C1, at(0, 30), "main", "a", "running", 450);

        assertThat(minutes()).containsExactly(
                "gw-one/main @0 active=1 created=1 removed=0 tokens=2000 runs={}",
                "gw-one/main @0 active=1 created=1 removed=0 tokens=2300 runs={}",
                "gw-one/main @0 active=1 created=1 removed=0 tokens=2450 runs={}");
    }

    @Test
    void aRunFinishesWhenTheStatusBecomesAFinishedOneAndCountsUnderThatOutcome() {
        created(C1, at(0, 1), "main", "a", "running", 0);
        created(C1, at(0, 2), "main", "b", "queued", 0);
        drain();

        updated(C1, at(0, 10), "main", "a", "done", 0);
        // The same status again (a re-listing, another field changing) finishes nothing.
        updated(C1, at(0, 11), "main", "a", "done", 0);
        updated(C1, at(0, 12), "main", "b", "timeout", 0);
        updated(C1, at(0, 13), "main", "a", "failed", 0);
        updated(C1, at(0, 14), "main", "a", "running", 0);
        updated(C1, at(0, 15), "main", "a", "killed", 0);

        assertThat(minutes()).containsExactly(
                "gw-one/main @0 active=2 created=2 removed=0 tokens=0 runs={done=1}",
                "gw-one/main @0 active=2 created=2 removed=0 tokens=0 runs={done=1, timeout=1}",
                "gw-one/main @0 active=2 created=2 removed=0 tokens=0 runs={done=1, failed=1, timeout=1}",
                "gw-one/main @0 active=2 created=2 removed=0 tokens=0 runs={done=1, failed=1, killed=1, timeout=1}");
    }

    @Test
    void aRemovalCountsUnderTheAgentRememberedForTheSessionAndLowersItsActiveSessions() {
        // The key names no agent, the row does: a tombstone has no row, so the agent must have been remembered.
        this.sessionState.pipeInput(C1 + "/chat-42", SessionState.of(C1, ChangeType.CREATED, 1, at(0, 1),
                SessionRow.of(fields("chat-42", "status", "running").put("agentId", "helper"))), at(0, 1));
        created(C1, at(0, 2), "helper", "b", "running", 0);
        drain();

        removed(C1, at(1, 5), "chat-42");
        // A tombstone of a session never seen counts nothing.
        removed(C1, at(1, 6), "agent:helper:never-seen");

        assertThat(minutes()).containsExactly("gw-one/helper @1 active=1 created=0 removed=1 tokens=0 runs={}");
    }

    @Test
    void aMinuteWithoutChangesWritesNothingAndTheActiveSessionsCarryOverToTheNextMinuteWithChanges() {
        created(C1, at(0, 1), "main", "a", "running", 100);
        created(C1, at(0, 2), "main", "b", "running", 100);
        drain();

        // Minutes 1 and 2: nothing happens to the agent's sessions (nor does a change of another agent touch it).
        created(C1, at(1, 30), "other", "x", "running", 0);
        updated(C1, at(3, 10), "main", "a", "running", 700);

        assertThat(minutes()).containsExactly(
                "gw-one/other @1 active=1 created=1 removed=0 tokens=0 runs={}",
                "gw-one/main @3 active=2 created=0 removed=0 tokens=600 runs={}");
    }

    @Test
    void aChangeLateWithinTheGraceUpdatesItsMinuteAndTheActiveSessionsOfTheMinutesAfterIt() {
        created(C1, at(0, 1), "main", "a", "running", 0);
        created(C1, at(1, 1), "main", "b", "running", 0);
        drain();

        // Minute 0 ends at 1:00, its grace at 3:00: a change of it arriving at stream time 1:01 still counts.
        created(C1, at(0, 59), "main", "c", "running", 0);

        assertThat(minutes()).containsExactly(
                "gw-one/main @0 active=2 created=2 removed=0 tokens=0 runs={}",
                "gw-one/main @1 active=3 created=1 removed=0 tokens=0 runs={}");
    }

    @Test
    void aChangeLaterThanTheGraceIsLeftOutOfItsMinuteAndCountedButItsSessionStillCounts() {
        created(C1, at(0, 1), "main", "a", "running", 0);
        created(C1, at(3, 0), "main", "b", "running", 0);
        drain();

        // Stream time is 3:00: minute 0 closed at 3:00 (its end plus the grace). Session c exists all the same.
        created(C1, at(0, 30), "main", "c", "running", 500);
        updated(C1, at(0, 40), "main", "c", "done", 900);

        assertThat(minutes()).as("minute 0 is not written again; minute 3's count includes c").containsExactly(
                "gw-one/main @3 active=3 created=1 removed=0 tokens=0 runs={}");
        assertThat(lateRecords()).isEqualTo(2.0);
    }

    @Test
    void sessionsWhoseRowNamesNoAgentAreCountedUnderNoAgent() {
        this.sessionState.pipeInput(C1 + "/global", SessionState.of(C1, ChangeType.CREATED, 1, at(0, 1),
                SessionRow.of(fields("global", "status", "running"))), at(0, 1));

        assertThat(minutes()).containsExactly("gw-one/(no agent) @0 active=1 created=1 removed=0 tokens=0 runs={}");
    }

    @Test
    void connectionsAndAgentsAreCountedApart() {
        created(C1, at(0, 1), "main", "a", "running", 0);
        created(C2, at(0, 2), "main", "a", "running", 0);
        created(C1, at(0, 3), "ops", "a", "running", 0);

        assertThat(minutes()).containsExactly(
                "gw-one/main @0 active=1 created=1 removed=0 tokens=0 runs={}",
                "gw-two/main @0 active=1 created=1 removed=0 tokens=0 runs={}",
                "gw-one/ops @0 active=1 created=1 removed=0 tokens=0 runs={}");
    }

    @Test
    void everyRecordCarriesItsCloudEventsAttributesAndNoneOfTheInputsHeaders() {
        RecordHeaders inputHeaders = new RecordHeaders();
        inputHeaders.add(CloudEvents.ID_HEADER, "session-state-1".getBytes(StandardCharsets.UTF_8));
        inputHeaders.add("x-trace", "abc".getBytes(StandardCharsets.UTF_8));
        this.sessionState.pipeInput(new TestRecord<>(C1 + "/agent:main:a", state(C1, ChangeType.CREATED, at(0, 1),
                "main", "a", "running", 10L), inputHeaders, at(0, 1)));
        updated(C1, at(0, 2), "main", "a", "done", 30);

        List<TestRecord<String, AgentUsageMinute>> records = this.usage.readRecordsToList();

        assertThat(records).hasSize(2);
        TestRecord<String, AgentUsageMinute> second = records.get(1);
        assertThat(second.key()).isEqualTo("gw-one/main");
        assertThat(second.timestamp()).as("the minute's start").isEqualTo(T0);
        assertThat(second.value().updatedAt()).as("when it was written").isEqualTo(WALL_CLOCK.toEpochMilli());
        assertThat(CloudEvents.readFrom(second.headers())).contains(new CloudEvents("gw-one/main/" + T0 + "/2",
                "/crewstream/agent-usage/gw-one", CloudEventType.AGENT_USAGE, Instant.ofEpochMilli(T0), "main"));
        assertThat(CloudEvents.text(second.headers(), CloudEvents.DATASCHEMA_HEADER))
                .isEqualTo("https://crewstream.io/schemas/v1/agent-usage.schema.json");
        assertThat(records.get(0).headers().lastHeader("x-trace")).isNull();
        assertThat(CloudEvents.text(records.get(0).headers(), CloudEvents.ID_HEADER))
                .isEqualTo("gw-one/main/" + T0 + "/1");
    }

    @Test
    void anUnreadableRowOrKeyIsSkippedAndTheNextOneCounted() {
        this.rawSessionState.pipeInput(C1 + "/agent:main:a", "not json".getBytes(StandardCharsets.UTF_8), at(0, 1));
        this.sessionState.pipeInput("no-slash-in-this-key", state(C1, ChangeType.CREATED, at(0, 2), "main", "a",
                "running", 0L), at(0, 2));
        created(C1, at(0, 3), "main", "b", "running", 0);

        assertThat(minutes()).containsExactly("gw-one/main @0 active=1 created=1 removed=0 tokens=0 runs={}");
    }

    // --- input ---

    private void created(String connectionId, long timestamp, String agent, String name, String status,
            Integer totalTokens) {
        send(connectionId, timestamp, ChangeType.CREATED, agent, name, status, totalTokens);
    }

    private void updated(String connectionId, long timestamp, String agent, String name, String status,
            Integer totalTokens) {
        send(connectionId, timestamp, ChangeType.UPDATED, agent, name, status, totalTokens);
    }

    private void send(String connectionId, long timestamp, ChangeType changeType, String agent, String name,
            String status, Integer totalTokens) {
        SessionState state = state(connectionId, changeType, timestamp, agent, name, status,
                totalTokens == null ? null : totalTokens.longValue());
        this.sessionState.pipeInput(state.key().format(), state, timestamp);
    }

    private void removed(String connectionId, long timestamp, String sessionKey) {
        this.sessionState.pipeInput(connectionId + "/" + sessionKey, null, timestamp);
    }

    /** A row as the gateway sends it: the agent in the key ({@code agent:<agent>:<name>}), no agentId field. */
    private static SessionState state(String connectionId, ChangeType changeType, long observedAt, String agent,
            String name, String status, Long totalTokens) {
        ObjectNode row = fields("agent:" + agent + ":" + name, "status", status);
        if (totalTokens != null) {
            row.put("totalTokens", totalTokens);
        }
        return SessionState.of(connectionId, changeType, changeType == ChangeType.CREATED ? 1 : 2, observedAt,
                SessionRow.of(row));
    }

    private static ObjectNode fields(String key, String name, String value) {
        return ContractJson.mapper().createObjectNode().put("key", key).put(name, value);
    }

    /** Epoch ms of {@code second} seconds into minute {@code minute}. */
    private static long at(int minute, int second) {
        return T0 + minute * 60_000L + second * 1_000L;
    }

    // --- output ---

    private List<String> minutes() {
        return this.usage.readRecordsToList().stream().map(record -> {
            AgentUsageMinute minute = record.value();
            return record.key() + " @" + (minute.minuteStart() - T0) / 60_000 + " active=" + minute.activeSessions()
                    + " created=" + minute.sessionsCreated() + " removed=" + minute.sessionsRemoved() + " tokens="
                    + minute.tokensConsumed() + " runs=" + minute.runsFinished();
        }).toList();
    }

    private void drain() {
        this.usage.readRecordsToList();
    }

    private double lateRecords() {
        return this.driver.metrics().entrySet().stream()
                .filter(metric -> metric.getKey().group().equals(AgentUsageTopology.METRIC_GROUP)
                        && metric.getKey().name().equals(AgentUsageTopology.LATE_RECORDS_METRIC))
                .mapToDouble(metric -> ((Number) metric.getValue().metricValue()).doubleValue())
                .sum();
    }
}

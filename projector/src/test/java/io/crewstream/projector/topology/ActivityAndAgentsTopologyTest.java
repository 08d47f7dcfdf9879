package io.crewstream.projector.topology;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.RunSummary;
import io.crewstream.schemas.records.RunUsage;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.records.SessionsDigest;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.ObjectNode;

import static io.crewstream.projector.SessionRows.chunk;
import static io.crewstream.projector.SessionRows.row;
import static io.crewstream.projector.SessionRows.snapshot;
import static io.crewstream.projector.topology.ProjectorDriver.NAMESPACE;
import static io.crewstream.projector.topology.ProjectorDriver.input;
import static io.crewstream.projector.topology.ProjectorDriver.output;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of the session-activity and agent-state tables, one test each, on the real topology and the real
 * Streams settings in {@link TopologyTestDriver}. The stream thread's wall clock starts at {@link #T0} and moves only
 * when a test moves it; events happen shortly after it.
 */
class ActivityAndAgentsTopologyTest {

    private static final String CONSUMER = "projector-spec";
    private static final String C1 = "gw-one";
    private static final String MAIN = "agent:main:main";
    private static final String SIDE = "agent:main:side";
    private static final long T0 = 1_800_000_000_000L;
    private static final Duration HOLD = Duration.ofSeconds(30);

    @TempDir
    Path stateDir;

    private TopologyTestDriver driver;
    private TestInputTopic<String, RunEvent> runEvents;
    private TestInputTopic<String, byte[]> rawRunEvents;
    private TestInputTopic<String, AgentList> agentLists;
    private TestInputTopic<String, byte[]> rawAgentLists;
    private TestInputTopic<String, SessionEvent> sessionEvents;
    private TestInputTopic<String, ConnectionStatusEvent> connectionStatus;
    private TestInputTopic<String, SessionsVerified> markers;
    private TestOutputTopic<String, SessionActivity> activity;
    private TestOutputTopic<String, AgentState> agents;
    private TestOutputTopic<String, DeadLetter> deadLetters;

    @BeforeEach
    void startDriver() {
        this.driver = ProjectorDriver.start(CONSUMER, this.stateDir, new SimpleMeterRegistry(), HOLD,
                Instant.ofEpochMilli(T0));
        this.runEvents = input(this.driver, Topic.RUN_EVENTS, ContractSerdes.runEvents());
        this.rawRunEvents = input(this.driver, Topic.RUN_EVENTS, new ByteArraySerializer());
        this.agentLists = input(this.driver, Topic.AGENT_LISTS, ContractSerdes.agentLists());
        this.rawAgentLists = input(this.driver, Topic.AGENT_LISTS, new ByteArraySerializer());
        this.sessionEvents = input(this.driver, Topic.SESSION_EVENTS, ContractSerdes.sessionEvents());
        this.connectionStatus = input(this.driver, Topic.CONNECTION_STATUS, ContractSerdes.connectionStatus());
        this.markers = input(this.driver, Topic.SESSION_VERIFICATIONS, ContractSerdes.sessionVerifications());
        this.activity = output(this.driver, Topic.SESSION_ACTIVITY, ContractSerdes.sessionActivity());
        this.agents = output(this.driver, Topic.AGENT_STATE, ContractSerdes.agentState());
        this.deadLetters = output(this.driver, Topic.DEAD_LETTERS, ContractSerdes.deadLetters());
    }

    @AfterEach
    void closeDriver() {
        this.driver.close();
    }

    // --- session activity ---------------------------------------------------------------------------------------

    @Test
    void toolStartAndEndMoveTheSessionFromThinkingToRunningToolAndBack() {
        send(started(MAIN, "r1", 100));
        send(toolStarted(MAIN, "r1", "exec", "c1", 200));
        send(toolEnded(MAIN, "r1", "exec", "c1", 900));
        send(ended(MAIN, "r1", RunOutcome.COMPLETED, null, new RunUsage(10L, 5L, 15L), 1_000));

        List<SessionActivity> rows = this.activity.readValuesToList();
        assertThat(rows).extracting(ActivityAndAgentsTopologyTest::shown).containsExactly("thinking r1",
                "running-tool exec x1 r1", "thinking r1", "idle");
        assertThat(rows).extracting(SessionActivity::since).containsExactly(T0 + 100, T0 + 200, T0 + 900, T0 + 1_000);
        assertThat(rows).extracting(SessionActivity::revision).containsExactly(1L, 2L, 3L, 4L);
        assertThat(rows.get(3).lastRun()).isEqualTo(new RunSummary("r1", RunOutcome.COMPLETED, T0 + 100,
                T0 + 1_000, 900L, 1L, null, new RunUsage(10L, 5L, 15L)));
        assertThat(rows.get(3).agentId()).isEqualTo("main");
    }

    @Test
    void overlappingRunsOfOneSessionKeepItBusyUntilTheLastOfThemEnds() {
        send(started(MAIN, "r1", 100));
        send(started(MAIN, "r2", 150));
        send(toolStarted(MAIN, "r1", "exec", "c1", 200));
        send(ended(MAIN, "r2", RunOutcome.ERROR, "timeout", null, 300));
        send(toolEnded(MAIN, "r1", "exec", "c1", 400));
        send(ended(MAIN, "r1", RunOutcome.COMPLETED, null, null, 500));

        List<SessionActivity> rows = this.activity.readValuesToList();
        assertThat(rows).extracting(ActivityAndAgentsTopologyTest::shown).as("the newest run is the one shown")
                .containsExactly("thinking r1", "thinking r2", "running-tool exec x1 r1",
                        "running-tool exec x1 r1", "thinking r1", "idle");
        assertThat(rows.get(3).lastRun().runId()).as("r2 ended while r1 ran a tool: busy wins over its error")
                .isEqualTo("r2");
        assertThat(rows.get(3).lastError().kind()).isEqualTo("timeout");
        assertThat(rows.get(5).lastRun().runId()).isEqualTo("r1");
        assertThat(rows.get(5).lastError().runId()).as("kept").isEqualTo("r2");
    }

    @Test
    void parallelToolCallsAreCountedByCallIdAndTheSessionThinksAgainWhenTheLastEnds() {
        send(started(MAIN, "r1", 100));
        send(toolStarted(MAIN, "r1", "exec", "c1", 200));
        send(toolStarted(MAIN, "r1", "read", "c2", 250));
        send(toolStarted(MAIN, "r1", "read", "c2", 260));
        send(toolEnded(MAIN, "r1", "read", "c2", 300));
        send(toolEnded(MAIN, "r1", "exec", "c1", 400));
        send(ended(MAIN, "r1", RunOutcome.COMPLETED, null, null, 500));

        List<SessionActivity> rows = this.activity.readValuesToList();
        assertThat(rows).extracting(ActivityAndAgentsTopologyTest::shown).as("a repeated start is no new call")
                .containsExactly("thinking r1", "running-tool exec x1 r1", "running-tool read x2 r1",
                        "running-tool exec x1 r1", "thinking r1", "idle");
        assertThat(rows.get(3).since()).as("the tool still running started at 200").isEqualTo(T0 + 200);
        assertThat(rows.get(5).lastRun().toolCalls()).isEqualTo(2);
    }

    @Test
    void aRunSeenFirstInTheMiddleMakesTheSessionBusyWithoutAStartTime() {
        send(toolStarted(MAIN, "r1", "exec", "c1", 200));
        send(ended(MAIN, "r1", RunOutcome.COMPLETED, null, null, 500));

        List<SessionActivity> rows = this.activity.readValuesToList();
        assertThat(rows).extracting(ActivityAndAgentsTopologyTest::shown).containsExactly("running-tool exec x1 r1",
                "idle");
        assertThat(rows.get(1).lastRun().startedAt()).isNull();
        assertThat(rows.get(1).lastRun().durationMs()).isNull();
    }

    @Test
    void eachErrorKindIsShownAndAMissingKindIsUnknown() {
        List<String> kinds = new ArrayList<>(RunEvent.KNOWN_ERROR_KINDS.stream().sorted().toList());
        kinds.add("kind-of-a-newer-gateway");
        kinds.add(null);
        for (int i = 0; i < kinds.size(); i++) {
            send(started("agent:main:s" + i, "r" + i, 100));
            send(ended("agent:main:s" + i, "r" + i, RunOutcome.ERROR, kinds.get(i), null, 200));
        }

        List<String> shown = this.activity.readValuesToList().stream()
                .filter(row -> row.state() == ActivityState.ERROR).map(ActivityAndAgentsTopologyTest::shown)
                .toList();
        assertThat(shown).containsExactly("error context_length", "error rate_limit", "error refusal",
                "error timeout", "error unknown", "error kind-of-a-newer-gateway", "error unknown");
    }

    @Test
    void errorIsShownForTheHoldThenTheSessionIsIdleKeepingItsLastError() {
        send(started(MAIN, "r1", 100));
        send(ended(MAIN, "r1", RunOutcome.ERROR, "rate_limit", null, 200));
        SessionActivity failed = last(this.activity.readValuesToList());
        assertThat(shown(failed)).isEqualTo("error rate_limit");
        assertThat(failed.since()).isEqualTo(T0 + 200);

        // Shown from T0 (the wall clock is behind the events here): until T0 + 30 s.
        this.driver.advanceWallClockTime(HOLD.minusSeconds(1));
        assertThat(this.activity.isEmpty()).as("still within the hold").isTrue();
        this.driver.advanceWallClockTime(Duration.ofSeconds(2));

        SessionActivity idle = this.activity.readValue();
        assertThat(shown(idle)).isEqualTo("idle");
        assertThat(idle.lastError()).isEqualTo(failed.lastError());
        assertThat(idle.lastRun()).isEqualTo(failed.lastRun());
        assertThat(idle.revision()).isEqualTo(failed.revision() + 1);
        assertThat(idle.updatedAt()).as("the timer's time").isGreaterThanOrEqualTo(T0 + HOLD.toMillis());
        this.driver.advanceWallClockTime(HOLD);
        assertThat(this.activity.isEmpty()).as("expired once").isTrue();
    }

    @Test
    void aNewRunEndsAnErrorAtOnce() {
        send(started(MAIN, "r1", 100));
        send(ended(MAIN, "r1", RunOutcome.ERROR, "refusal", null, 200));
        send(started(MAIN, "r2", 300));

        List<SessionActivity> rows = this.activity.readValuesToList();
        assertThat(rows).extracting(ActivityAndAgentsTopologyTest::shown).containsExactly("thinking r1",
                "error refusal", "thinking r2");
        assertThat(rows.get(2).lastError().kind()).isEqualTo("refusal");
        this.driver.advanceWallClockTime(HOLD.multipliedBy(2));
        assertThat(this.activity.isEmpty()).as("the ended error has no timer left").isTrue();
    }

    @Test
    void secondEndOfARunMergesItsUsageAndErrorKindWithoutASecondTransition() {
        send(started(MAIN, "r1", 100));
        send(ended(MAIN, "r1", RunOutcome.ERROR, null, null, 200));
        send(ended(MAIN, "r1", RunOutcome.ERROR, "rate_limit", new RunUsage(null, null, 42L), 210));
        send(ended(MAIN, "r1", RunOutcome.ERROR, "rate_limit", new RunUsage(null, null, 42L), 220));

        List<SessionActivity> rows = this.activity.readValuesToList();
        assertThat(rows).as("the third end adds nothing").hasSize(3);
        SessionActivity first = rows.get(1);
        SessionActivity merged = rows.get(2);
        assertThat(shown(first)).isEqualTo("error unknown");
        assertThat(shown(merged)).isEqualTo("error rate_limit");
        assertThat(merged.since()).as("no new transition").isEqualTo(first.since());
        assertThat(merged.lastRun().endedAt()).as("the first end counts").isEqualTo(T0 + 200);
        assertThat(merged.lastRun().usage()).isEqualTo(new RunUsage(null, null, 42L));
        assertThat(merged.lastRun().errorKind()).isEqualTo("rate_limit");
    }

    @Test
    void lifecycleEndThenChatFinalOfACompletedRunAddsTheUsageAndStaysIdle() {
        send(started(MAIN, "r1", 100));
        send(ended(MAIN, "r1", RunOutcome.COMPLETED, null, null, 200));
        send(ended(MAIN, "r1", RunOutcome.COMPLETED, null, new RunUsage(7L, 3L, 10L), 205));

        List<SessionActivity> rows = this.activity.readValuesToList();
        assertThat(rows).extracting(ActivityAndAgentsTopologyTest::shown).containsExactly("thinking r1", "idle",
                "idle");
        assertThat(rows.get(2).since()).isEqualTo(rows.get(1).since());
        assertThat(rows.get(2).lastRun().usage()).isEqualTo(new RunUsage(7L, 3L, 10L));
    }

    @Test
    void eventsOfAnEndedRunAreIgnored() {
        send(started(MAIN, "r1", 100));
        send(ended(MAIN, "r1", RunOutcome.COMPLETED, null, null, 200));
        this.activity.readValuesToList();

        send(toolStarted(MAIN, "r1", "exec", "late", 210));
        send(started(MAIN, "r1", 220));

        assertThat(this.activity.isEmpty()).isTrue();
    }

    @Test
    void runOrphanedByARestartIsClosedByTheNextSnapshotUnlessItsRowSaysARunIsActive() {
        send(snapshot(C1, "s1", T0, sessionRow(MAIN, false), sessionRow(SIDE, true)));
        send(started(MAIN, "r1", 100));
        send(started(SIDE, "r2", 100));
        this.activity.readValuesToList();

        // The gateway restarted: neither run reports its end; the snapshot after the reconnect shows main idle.
        send(snapshot(C1, "s2", T0 + 5_000, sessionRow(MAIN, false), sessionRow(SIDE, true)));

        KeyValue<String, SessionActivity> closed = this.activity.readKeyValue();
        assertThat(closed.key).isEqualTo(C1 + "/" + MAIN);
        assertThat(shown(closed.value)).isEqualTo("idle");
        assertThat(closed.value.lastRun().outcome()).isEqualTo(RunOutcome.INTERRUPTED);
        assertThat(closed.value.lastRun().endedAt()).isEqualTo(T0 + 5_000);
        assertThat(this.activity.isEmpty()).as("side's row says its run is active").isTrue();
    }

    @Test
    void runWhoseEndWasLostIsClosedByAReListTheTableAgreesWithUnlessItsRowSaysARunIsActive() {
        SessionRow main = sessionRow(MAIN, false);
        SessionRow side = sessionRow(SIDE, true);
        send(snapshot(C1, "s1", T0, main, side));
        send(started(MAIN, "r1", 100));
        send(started(SIDE, "r2", 100));
        this.activity.readValuesToList();

        // No reconnect: the next reconciliation finds nothing changed and publishes only its marker (at the snapshot's
        // offset, 0), which the table agrees with.
        SessionsDigest listed = SessionsDigest.of(List.of(main, side));
        this.markers.pipeInput(C1, SessionsVerified.of(C1, SnapshotReason.RECONCILIATION, listed.count(),
                listed.value(), 0, T0 + 4_950, T0 + 5_000, 0L));

        KeyValue<String, SessionActivity> closed = this.activity.readKeyValue();
        assertThat(closed.key).isEqualTo(C1 + "/" + MAIN);
        assertThat(closed.value.lastRun().outcome()).isEqualTo(RunOutcome.INTERRUPTED);
        assertThat(closed.value.lastRun().endedAt()).isEqualTo(T0 + 5_000);
        assertThat(this.activity.isEmpty()).as("side's row says its run is active").isTrue();
    }

    @Test
    void aReListTheTableHasMovedPastClosesRunsAsWell() {
        SessionRow main = sessionRow(MAIN, false);
        send(snapshot(C1, "s1", T0, main));
        send(started(MAIN, "r1", 100));
        // A live change after the re-list's offset: the table is newer than the list, so its rows still tell.
        send(SessionUpserted.of(C1, "patch", 7L, T0 + 5_010, sessionRow(SIDE, true)));
        this.activity.readValuesToList();

        SessionsDigest listed = SessionsDigest.of(List.of(main));
        this.markers.pipeInput(C1, SessionsVerified.of(C1, SnapshotReason.RECONCILIATION, listed.count(),
                listed.value(), 0, T0 + 4_950, T0 + 5_000, 0L));

        assertThat(this.activity.readValuesToList()).filteredOn(row -> row.sessionKey().equals(MAIN)).singleElement()
                .satisfies(row -> assertThat(row.lastRun().outcome()).isEqualTo(RunOutcome.INTERRUPTED));
    }

    @Test
    void runFirstSeenAfterTheSnapshotWasTakenIsNotClosedByIt() {
        send(snapshot(C1, "s1", T0, sessionRow(MAIN, false)));
        send(started(MAIN, "r1", 100));
        this.activity.readValuesToList();

        send(snapshot(C1, "s2", T0 + 50, sessionRow(MAIN, false)));

        assertThat(this.activity.isEmpty()).as("the snapshot predates the run").isTrue();
    }

    @Test
    void connectionLossClosesTheRunsInProgressOfItsSessions() {
        send(started(MAIN, "r1", 100));
        send(toolStarted(SIDE, "r2", "exec", "c1", 150));
        this.activity.readValuesToList();

        send(ConnectionStatusEvent.of(C1, UpstreamState.DISCONNECTED, "closed", "closed", T0 + 1_000, "2026.9.6",
                null, "ws://gateway", T0 + 1_000));

        List<SessionActivity> rows = this.activity.readValuesToList();
        assertThat(rows).extracting(ActivityAndAgentsTopologyTest::shown).containsExactly("idle", "idle");
        assertThat(rows).extracting(row -> row.lastRun().outcome()).containsOnly(RunOutcome.INTERRUPTED);
    }

    @Test
    void connectingWhileTheLinkIsUpKeepsRunsOpen() {
        send(started(MAIN, "r1", 100));
        this.activity.readValuesToList();

        send(status(UpstreamState.CONNECTING, "awaiting_tick", 1_000));
        send(status(UpstreamState.CONNECTING, "snapshot_overdue", 6_000));

        assertThat(this.activity.isEmpty()).as("the ingestor says connecting while events still flow").isTrue();
        send(status(UpstreamState.DISCONNECTED, "closed", 7_000));
        assertThat(this.activity.readValue().lastRun().outcome()).isEqualTo(RunOutcome.INTERRUPTED);
    }

    @Test
    void linkDownClosesRunsOnlyForTheStatesThatSayItIsDown() {
        for (UpstreamState state : UpstreamState.values()) {
            String session = "agent:main:" + state.wireName();
            send(started(session, "r-" + state.wireName(), 100));
            this.activity.readValuesToList();

            send(status(state, "some_reason", 1_000));

            assertThat(this.activity.isEmpty()).as(state.wireName()).isEqualTo(!state.linkDown());
            this.activity.readValuesToList();
        }
        assertThat(UpstreamState.values()).filteredOn(UpstreamState::linkDown).containsExactlyInAnyOrder(
                UpstreamState.DISCONNECTED, UpstreamState.AUTH_FAILED, UpstreamState.UNREACHABLE);
    }

    @Test
    void eventOfARunClosedAsInterruptedReopensIt() {
        send(started(MAIN, "r1", 100));
        send(toolStarted(MAIN, "r1", "exec", "c1", 200));
        send(status(UpstreamState.DISCONNECTED, "closed", 1_000));
        assertThat(last(this.activity.readValuesToList()).lastRun().outcome()).isEqualTo(RunOutcome.INTERRUPTED);

        // A network blip: the gateway kept running r1, and its events flow again after the reconnect.
        send(toolStarted(MAIN, "r1", "read", "c2", 3_000));
        send(toolEnded(MAIN, "r1", "read", "c2", 3_500));

        List<SessionActivity> rows = this.activity.readValuesToList();
        assertThat(rows).extracting(ActivityAndAgentsTopologyTest::shown).containsExactly("running-tool read x1 r1",
                "thinking r1");
    }

    @Test
    void laterEndOfARunClosedAsInterruptedRecordsItsRealOutcome() {
        send(started(MAIN, "r1", 100));
        send(toolStarted(MAIN, "r1", "exec", "c1", 200));
        send(status(UpstreamState.DISCONNECTED, "closed", 1_000));
        this.activity.readValuesToList();

        send(ended(MAIN, "r1", RunOutcome.ERROR, "rate_limit", new RunUsage(null, null, 9L), 4_000));

        SessionActivity failed = this.activity.readValue();
        assertThat(shown(failed)).isEqualTo("error rate_limit");
        assertThat(failed.lastRun()).as("its start and tool calls are those seen before it was closed")
                .isEqualTo(new RunSummary("r1", RunOutcome.ERROR, T0 + 100, T0 + 4_000, 3_900L, 1L, "rate_limit",
                        new RunUsage(null, null, 9L)));
        assertThat(failed.lastError().runId()).isEqualTo("r1");
        assertThat(this.activity.isEmpty()).isTrue();
    }

    @Test
    void runFirstSeenWhileTheSnapshotListWasFetchedIsNotClosedByIt() {
        send(snapshot(C1, "s1", T0, sessionRow(MAIN, false)));
        this.activity.readValuesToList();
        send(started(MAIN, "r1", 100));
        this.activity.readValuesToList();

        // Asked for at T0 + 50, before r1 started; received at T0 + 200, after.
        send(snapshot(C1, "s2", T0 + 200, sessionRow(MAIN, false)).withListedFrom(T0 + 50));

        assertThat(this.activity.isEmpty()).as("the list may predate the run").isTrue();
        send(snapshot(C1, "s3", T0 + 400, sessionRow(MAIN, false)).withListedFrom(T0 + 300));
        assertThat(this.activity.readValue().lastRun().outcome()).as("a list asked for after it started")
                .isEqualTo(RunOutcome.INTERRUPTED);
    }

    @Test
    void snapshotRemovesActivityOfSessionsTheSessionTableDoesNotHave() {
        send(snapshot(C1, "s1", T0, sessionRow(MAIN, false)));
        send(started(MAIN, "r1", 100));
        send(ended(MAIN, "r1", RunOutcome.ERROR, "timeout", null, 200));
        // A chat final arriving after the session was deleted: activity for a session the table does not have.
        send(ended(SIDE, "r2", RunOutcome.COMPLETED, null, null, 300));
        // And one busy with a run that started after the next list was asked for.
        send(started("agent:main:new", "r3", 900));
        this.activity.readValuesToList();

        send(snapshot(C1, "s2", T0 + 1_000, sessionRow(MAIN, false)).withListedFrom(T0 + 800));

        List<KeyValue<String, SessionActivity>> rows = this.activity.readKeyValuesToList();
        assertThat(rows).extracting(row -> row.key + (row.value == null ? " removed" : " " + shown(row.value)))
                .containsExactly(C1 + "/" + SIDE + " removed");
        send(SessionUpserted.of(C1, "patch", null, T0 + 2_000, sessionRow(SIDE, false)));
        send(started(SIDE, "r4", 2_100));
        SessionActivity recreated = this.activity.readValue();
        assertThat(recreated.lastRun()).as("a re-created key inherits nothing").isNull();
        assertThat(recreated.revision()).isEqualTo(1L);
    }

    @Test
    void removedSessionGetsAnActivityTombstone() {
        send(SessionUpserted.of(C1, "patch", null, T0, sessionRow(MAIN, false)));
        send(started(MAIN, "r1", 100));
        this.activity.readValuesToList();

        send(SessionRemoved.of(C1, MAIN, "delete", null, T0 + 500));

        var tombstone = this.activity.readRecord();
        assertThat(tombstone.key()).isEqualTo(C1 + "/" + MAIN);
        assertThat(tombstone.value()).isNull();
        assertThat(CloudEvents.readFrom(tombstone.headers()).orElseThrow().type())
                .isEqualTo(CloudEventType.SESSION_ACTIVITY_REMOVED);
    }

    @Test
    void malformedRunEventGoesToTheDeadLetterTopicAndTheNextIsApplied() {
        this.rawRunEvents.pipeInput(C1, ("{\"schemaVersion\":1,\"connectionId\":\"gw-one\",\"sessionKey\":\"s\","
                + "\"runId\":\"r1\",\"kind\":\"tool-started\",\"at\":1,\"observedAt\":1}")
                .getBytes(StandardCharsets.UTF_8));
        send(started(MAIN, "r1", 100));

        DeadLetter letter = this.deadLetters.readValue();
        assertThat(letter.sourceTopic()).isEqualTo(NAMESPACE.name(Topic.RUN_EVENTS));
        assertThat(letter.reason()).contains("toolName");
        assertThat(shown(this.activity.readValue())).isEqualTo("thinking r1");
    }

    @Test
    void activityRowsCarryTheirCloudEventsAttributes() {
        send(started(MAIN, "r1", 100));

        var record = this.activity.readRecord();
        CloudEvents event = CloudEvents.readFrom(record.headers()).orElseThrow();
        assertThat(event.type()).isEqualTo(CloudEventType.SESSION_ACTIVITY_UPDATED);
        assertThat(event.subject()).isEqualTo(MAIN);
        assertThat(event.source()).isEqualTo("/crewstream/projector/" + C1);
        assertThat(event.id()).isEqualTo(NAMESPACE.name(Topic.RUN_EVENTS) + "-0-0-a1");
    }

    // --- agents -------------------------------------------------------------------------------------------------

    @Test
    void listedAgentWithoutSessionsAppears() {
        send(AgentList.of(C1, "main", "home", List.of(agent("main", "Main"), agent("ops", "Ops")), T0));

        List<AgentState> rows = this.agents.readValuesToList();
        assertThat(rows).extracting(AgentState::agentId).containsExactly("main", "ops");
        AgentState main = rows.get(0);
        assertThat(main.listed()).isTrue();
        assertThat(main.isDefault()).isTrue();
        assertThat(main.mainSessionKey()).isEqualTo("agent:main:home");
        assertThat(main.agent().name()).isEqualTo("Main");
        assertThat(main.status()).isEqualTo(ActivityState.IDLE);
        assertThat(main.sessions().total()).isZero();
        assertThat(rows.get(1).isDefault()).isFalse();
    }

    @Test
    void agentCountsAndStatusFollowItsSessionsActivity() {
        send(AgentList.of(C1, "main", null, List.of(agent("main", "Main")), T0));
        send(snapshot(C1, "s1", T0, sessionRow(MAIN, false), sessionRow(SIDE, false)));
        this.agents.readValuesToList();

        send(started(MAIN, "r1", 100));
        send(toolStarted(MAIN, "r1", "exec", "c1", 200));
        send(started(SIDE, "r2", 300));
        send(ended(SIDE, "r2", RunOutcome.ERROR, "timeout", null, 400));
        send(toolEnded(MAIN, "r1", "exec", "c1", 500));

        List<AgentState> rows = this.agents.readValuesToList();
        assertThat(rows).extracting(ActivityAndAgentsTopologyTest::counts).containsExactly(
                "thinking: 1 thinking, 1 idle", "running-tool: 1 running-tool, 1 idle",
                "running-tool: 1 running-tool, 1 thinking", "running-tool: 1 running-tool, 1 error",
                "thinking: 1 thinking, 1 error");
        assertThat(rows.get(3).currentTool().toolName()).isEqualTo("exec");
        assertThat(rows.get(3).currentTool().sessionKey()).isEqualTo(MAIN);
        assertThat(rows.get(3).lastError().kind()).isEqualTo("timeout");
        assertThat(rows.get(3).lastError().sessionKey()).isEqualTo(SIDE);
        assertThat(rows.get(4).currentTool()).isNull();
        assertThat(rows).extracting(AgentState::revision).as("r1 listed, r2 both sessions of the snapshot")
                .containsExactly(3L, 4L, 5L, 6L, 7L);
    }

    @Test
    void aSnapshotRecomputesEachAgentOnceWhenItIsCompleteNotPerSessionOrChunk() {
        send(AgentList.of(C1, "main", null, List.of(agent("main", "Main")), T0));
        send(snapshot(C1, "s1", T0, sessionRow(MAIN, false), sessionRow(SIDE, false),
                sessionRow("agent:main:third", false), sessionRow("agent:scout:main", false)));

        List<KeyValue<String, AgentState>> rows = this.agents.readKeyValuesToList();
        assertThat(rows).extracting(row -> row.key + " " + row.value.sessions().total() + " r" + row.value.revision())
                .as("one row per agent for the chunk, not one per session").containsExactly(
                        C1 + "/main 0 r1", C1 + "/main 3 r2", C1 + "/scout 1 r1");

        send(chunk(C1, "s2", 0, 2, 2, T0 + 1_000, sessionRow("agent:scout:main", false)));
        send(chunk(C1, "s2", 1, 2, 2, T0 + 1_000, sessionRow("agent:ghost:one", false)));
        assertThat(this.agents.readKeyValuesToList()).as("the complete snapshot removed main's sessions at once")
                .extracting(row -> row.key + " " + (row.value == null ? "removed" : row.value.sessions().total()))
                .containsExactlyInAnyOrder(C1 + "/main 0", C1 + "/ghost 1");
    }

    @Test
    void anIncompleteSnapshotRecomputesNoAgentYet() {
        send(snapshot(C1, "s1", T0, sessionRow(MAIN, false)));
        this.agents.readValuesToList();

        send(chunk(C1, "s2", 0, 2, 2, T0 + 1_000, sessionRow(MAIN, false), sessionRow("agent:ghost:one", false)));

        assertThat(this.agents.isEmpty()).as("the chunk's new agent waits for the snapshot to complete").isTrue();
    }

    @Test
    void agentKnownOnlyFromItsSessionsIsInTheTableUnlisted() {
        send(SessionUpserted.of(C1, "patch", null, T0, sessionRow("agent:scout:main", false)));

        AgentState scout = this.agents.readValue();
        assertThat(scout.agentId()).isEqualTo("scout");
        assertThat(scout.listed()).isFalse();
        assertThat(scout.agent()).isEqualTo(new AgentInfo("scout", null, null, null, null, null, null));
        assertThat(scout.sessions().idle()).as("a session without activity is idle").isEqualTo(1);
    }

    @Test
    void agentRemovedFromTheListIsTombstonedWithoutSessionsAndUnlistedWithThem() {
        send(AgentList.of(C1, "main", null, List.of(agent("main", "Main"), agent("ops", "Ops")), T0));
        send(SessionUpserted.of(C1, "patch", null, T0, sessionRow(MAIN, false)));
        this.agents.readValuesToList();

        send(AgentList.of(C1, null, null, List.of(), T0 + 1_000));

        List<KeyValue<String, AgentState>> rows = this.agents.readKeyValuesToList();
        assertThat(rows).extracting(row -> row.key + (row.value == null ? " removed"
                : " listed=" + row.value.listed() + " default=" + row.value.isDefault()))
                .containsExactly(C1 + "/main listed=false default=false", C1 + "/ops removed");

        send(SessionRemoved.of(C1, MAIN, "delete", null, T0 + 2_000));
        KeyValue<String, AgentState> gone = this.agents.readKeyValue();
        assertThat(gone.key).isEqualTo(C1 + "/main");
        assertThat(gone.value).as("its last session went").isNull();
    }

    @Test
    void agentRowIsWrittenOnlyWhenItChanges() {
        send(AgentList.of(C1, "main", null, List.of(agent("main", "Main")), T0));
        send(SessionUpserted.of(C1, "patch", null, T0, sessionRow(MAIN, false)));
        this.agents.readValuesToList();

        send(AgentList.of(C1, "main", null, List.of(agent("main", "Main")), T0 + 1_000));
        send(started(MAIN, "r1", 100));
        send(started(MAIN, "r2", 200));

        assertThat(this.agents.readValuesToList()).as("the same list, and a second run of a thinking session")
                .extracting(ActivityAndAgentsTopologyTest::counts).containsExactly("thinking: 1 thinking");
    }

    @Test
    void sessionsMissingFromTheAgentIndexAreCountedAfterTheNextSnapshot() {
        send(snapshot(C1, "s1", T0, sessionRow(MAIN, false), sessionRow(SIDE, false)));
        // A projector deployed onto a session table filled before the index: the index is empty.
        KeyValueStore<String, String> index = this.driver.getKeyValueStore(ProjectorTopology.AGENT_SESSIONS_STORE);
        List<String> entries = new ArrayList<>();
        try (var all = index.all()) {
            all.forEachRemaining(entry -> entries.add(entry.key));
        }
        entries.forEach(index::delete);
        send(AgentList.of(C1, "main", null, List.of(agent("main", "Main")), T0 + 100));
        assertThat(last(this.agents.readValuesToList()).sessions().total()).as("the lost index").isZero();

        send(snapshot(C1, "s2", T0 + 1_000, sessionRow(MAIN, false), sessionRow(SIDE, false)));

        AgentState main = this.agents.readValue();
        assertThat(main.sessions().total()).isEqualTo(2);
        assertThat(main.sessions().idle()).isEqualTo(2);
        send(snapshot(C1, "s3", T0 + 2_000, sessionRow(MAIN, false), sessionRow(SIDE, false)));
        assertThat(this.agents.isEmpty()).as("an index that agrees changes nothing").isTrue();
    }

    @Test
    void malformedAgentListGoesToTheDeadLetterTopic() {
        this.rawAgentLists.pipeInput(C1, ("{\"schemaVersion\":1,\"connectionId\":\"gw-one\",\"agents\":"
                + "[{\"id\":\"a\"},{\"id\":\"a\"}],\"observedAt\":1}").getBytes(StandardCharsets.UTF_8));

        DeadLetter letter = this.deadLetters.readValue();
        assertThat(letter.sourceTopic()).isEqualTo(NAMESPACE.name(Topic.AGENT_LISTS));
        assertThat(letter.reason()).contains("twice");
        assertThat(this.agents.isEmpty()).isTrue();
    }

    @Test
    void agentRowsCarryTheirCloudEventsAttributes() {
        send(AgentList.of(C1, "main", null, List.of(agent("main", "Main")), T0));
        send(AgentList.of(C1, null, null, List.of(), T0 + 1));

        List<CloudEvents> events = this.agents.readRecordsToList().stream()
                .map(record -> CloudEvents.readFrom(record.headers()).orElseThrow()).toList();
        assertThat(events).extracting(CloudEvents::type).containsExactly(CloudEventType.AGENT_STATE_UPDATED,
                CloudEventType.AGENT_STATE_REMOVED);
        assertThat(events).extracting(CloudEvents::subject).containsOnly("main");
    }

    // --- helpers -----------------------------------------------------------------------------------------------

    private void send(RunEvent event) {
        this.runEvents.pipeInput(event.connectionId(), event);
    }

    private void send(AgentList list) {
        this.agentLists.pipeInput(list.connectionId(), list);
    }

    private void send(SessionEvent event) {
        this.sessionEvents.pipeInput(event.connectionId(), event);
    }

    private void send(ConnectionStatusEvent event) {
        this.connectionStatus.pipeInput(event.connectionId(), event);
    }

    private static ConnectionStatusEvent status(UpstreamState state, String reasonCode, long offset) {
        return ConnectionStatusEvent.of(C1, state, reasonCode, reasonCode, T0 + offset, "2026.9.6", null,
                "ws://gateway", T0 + offset);
    }

    private static String agentOf(String sessionKey) {
        return sessionKey.split(":")[1];
    }

    /** Events happen {@code offset} ms after {@link #T0}, and the ingestor receives them at once. */
    private static RunEvent started(String session, String runId, long offset) {
        return RunEvent.runStarted(C1, session, agentOf(session), runId, T0 + offset, T0 + offset, null);
    }

    private static RunEvent toolStarted(String session, String runId, String tool, String callId, long offset) {
        return RunEvent.toolStarted(C1, session, agentOf(session), runId, T0 + offset, T0 + offset, null, tool,
                callId);
    }

    private static RunEvent toolEnded(String session, String runId, String tool, String callId, long offset) {
        return RunEvent.toolEnded(C1, session, agentOf(session), runId, T0 + offset, T0 + offset, null, tool, callId,
                false);
    }

    private static RunEvent ended(String session, String runId, RunOutcome outcome, String errorKind,
            RunUsage usage, long offset) {
        return RunEvent.runEnded(C1, session, agentOf(session), runId, T0 + offset, T0 + offset, null, outcome,
                errorKind, usage, null);
    }

    private static SessionRow sessionRow(String key, boolean hasActiveRun) {
        ObjectNode fields = row(key, hasActiveRun ? "running" : "done").fields();
        fields.put("hasActiveRun", hasActiveRun);
        return SessionRow.of(fields);
    }

    private static AgentInfo agent(String id, String name) {
        return new AgentInfo(id, name, null, null, null, null, null);
    }

    /** "idle", "thinking <run>", "running-tool <tool> x<count> <run>" or "error <kind>". */
    private static String shown(SessionActivity row) {
        return switch (row.state()) {
            case IDLE -> "idle";
            case THINKING -> "thinking " + row.runId();
            case RUNNING_TOOL -> "running-tool " + row.toolName() + " x" + row.runningTools() + " " + row.runId();
            case ERROR -> "error " + row.lastError().kind();
        };
    }

    /** "<status>: <n> <state>, …" over the states with sessions, busiest first. */
    private static String counts(AgentState row) {
        List<String> parts = new ArrayList<>();
        if (row.sessions().runningTool() > 0) {
            parts.add(row.sessions().runningTool() + " running-tool");
        }
        if (row.sessions().thinking() > 0) {
            parts.add(row.sessions().thinking() + " thinking");
        }
        if (row.sessions().error() > 0) {
            parts.add(row.sessions().error() + " error");
        }
        if (row.sessions().idle() > 0) {
            parts.add(row.sessions().idle() + " idle");
        }
        return row.status().wireName() + ": " + String.join(", ", parts);
    }

    private static <T> T last(List<T> values) {
        return values.get(values.size() - 1);
    }
}

package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.ActivityError;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.AgentTool;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.SseSession;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseParser.Event;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CrewHub's contract for agents and live activity (issue #15), on one instance against the real broker, the tables
 * written as the projector writes them, read by a real SSE client: {@code GET /api/agents} in CrewHub's envelope and
 * field names, CrewHub's {@code status} on every session with the gateway's in {@code runStatus}, the tool a session
 * runs in {@code activityDetail} / {@code activityToolName}, and {@code agents-refresh} / {@code agent-updated}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AgentsAndActivityTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** The statuses CrewHub's views keep a session for (besides none at all). */
    private static final Set<String> CREWHUB_SESSION_STATUSES = Set.of(SseSession.ACTIVE, SseSession.IDLE);

    private static final AgentSessionCounts ONE_IDLE = new AgentSessionCounts(1L, 1L, 0L, 0L, 0L);

    private static final AgentSessionCounts ONE_RUNNING_TOOL = new AgentSessionCounts(1L, 0L, 0L, 1L, 0L);

    private TableTopics tables;

    private GatewayApp gateway;

    @BeforeEach
    void createTables(KafkaBroker broker) {
        this.tables = TableTopics.create(broker, "sse-agents");
        this.tables.connection("home", UpstreamState.CONNECTED);
        this.tables.connection("work", UpstreamState.CONNECTED);
    }

    @AfterEach
    void stop() {
        if (this.gateway != null) {
            this.gateway.close();
        }
        this.tables.close();
    }

    private GatewayApp gateway(KafkaBroker broker) {
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.tables.prefix());
        await().atMost(WAIT).until(() -> this.gateway.get("/api/sessions").statusCode() == 200);
        return this.gateway;
    }

    private static JsonNode session(JsonNode sessions, String key) {
        for (JsonNode session : sessions) {
            if (session.get("key").asString().equals(key)) {
                return session;
            }
        }
        throw new AssertionError("no session " + key + " in " + sessions);
    }

    @Test
    void agentsAreServedInCrewHubsEnvelopeAndFieldsEvenWithoutSessionsAndFilteredLikeSessions(KafkaBroker broker) {
        this.tables.agent(TableTopics.agent("home", "main", ActivityState.IDLE, AgentSessionCounts.NONE, null, null,
                1));
        this.tables.agent(TableTopics.agent("home", "dev", ActivityState.IDLE, AgentSessionCounts.NONE, null, null,
                1));
        this.tables.agent(TableTopics.agent("work", "main", ActivityState.IDLE, AgentSessionCounts.NONE, null, null,
                1));
        GatewayApp app = gateway(broker);
        await().atMost(WAIT).until(() -> app.getJson("/api/agents").get("agents").size() == 3);

        JsonNode all = app.getJson("/api/agents");
        assertThat(all.properties()).extracting(Map.Entry::getKey).as("CrewHub's envelope").containsExactly("agents");
        JsonNode main = all.get("agents").get(0);
        // What CrewHub's useAgentsRegistry reads: it links an agent to its main session by agent_session_key and
        // fingerprints the list by id, updated_at, is_pinned, default_room_id and color.
        assertThat(main.get("id").asString()).isEqualTo("dev");
        assertThat(main.get("name").asString()).isEqualTo("Dev");
        assertThat(main.get("agent_session_key").asString()).isEqualTo("agent:dev:main");
        assertThat(main.get("icon").asString()).isNotBlank();
        assertThat(main.get("color").asString()).startsWith("#");
        assertThat(main.get("default_model").asString()).isEqualTo("anthropic/claude-sonnet-4");
        assertThat(main.get("sort_order").isNumber()).isTrue();
        assertThat(main.get("is_pinned").asBoolean()).isFalse();
        assertThat(main.get("auto_spawn").isBoolean()).isTrue();
        assertThat(main.get("source").asString()).isEqualTo("openclaw");
        assertThat(main.get("updated_at").isNumber()).isTrue();
        assertThat(main.get("is_stale").asBoolean()).isFalse();
        assertThat(main.get("connectionId").asString()).isEqualTo("home");
        assertThat(main.get("status").asString()).isEqualTo(ActivityState.IDLE.wireName());
        assertThat(main.get("sessions").get("total").asLong()).as("an agent with no session still appears")
                .isZero();

        assertThat(app.getJson("/api/agents?connection=work").get("agents"))
                .extracting(agent -> agent.get("connectionId").asString()).containsExactly("work");
        assertThat(app.getJson("/api/agents?agent=main").get("agents"))
                .extracting(agent -> agent.get("connectionId").asString()).containsExactly("home", "work");
        assertThat(app.getJson("/api/agents?connection=home&agent=dev").get("agents"))
                .extracting(agent -> agent.get("id").asString()).containsExactly("dev");
        assertThat(app.getJson("/api/agents?connection=elsewhere").get("agents")).isEmpty();
    }

    @Test
    void everySessionCarriesCrewHubsStatusAndTheGatewaysStatusInRunStatus(KafkaBroker broker) {
        this.tables.upsert("home", TableTopics.row("agent:main:main", 1_000, "status", "running"), ChangeType.CREATED,
                1);
        this.tables.upsert("home", TableTopics.row("agent:dev:main", 1_000, "status", "done"), ChangeType.CREATED, 1);
        this.tables.upsert("home", TableTopics.row("agent:ops:main", 1_000), ChangeType.CREATED, 1);
        GatewayApp app = gateway(broker);
        await().atMost(WAIT).until(() -> app.getJson("/api/sessions").get("sessions").size() == 3);

        JsonNode sessions = app.getJson("/api/sessions").get("sessions");
        assertThat(sessions).allSatisfy(session -> assertThat(session.get(SseSession.STATUS_FIELD).asString())
                .isIn(CREWHUB_SESSION_STATUSES));
        assertThat(session(sessions, "agent:main:main").get(SseSession.STATUS_FIELD).asString())
                .as("a run in progress, by the gateway's row while no activity is known").isEqualTo(SseSession.ACTIVE);
        assertThat(session(sessions, "agent:main:main").get(SseSession.RUN_STATUS_FIELD).asString())
                .isEqualTo("running");
        assertThat(session(sessions, "agent:dev:main").get(SseSession.STATUS_FIELD).asString())
                .isEqualTo(SseSession.IDLE);
        assertThat(session(sessions, "agent:dev:main").get(SseSession.RUN_STATUS_FIELD).asString())
                .isEqualTo("done");
        assertThat(session(sessions, "agent:ops:main").has(SseSession.RUN_STATUS_FIELD)).isFalse();

        // The activity, once known, decides: the run the row still calls running has ended.
        this.tables.activity(TableTopics.idle("home", "agent:main:main", 5, null));
        await().atMost(WAIT).until(() -> session(app.getJson("/api/sessions").get("sessions"), "agent:main:main")
                .has(SseSession.ACTIVITY_FIELD));
        JsonNode main = session(app.getJson("/api/sessions").get("sessions"), "agent:main:main");
        assertThat(main.get(SseSession.STATUS_FIELD).asString()).isEqualTo(SseSession.IDLE);
        assertThat(main.get(SseSession.RUN_STATUS_FIELD).asString()).isEqualTo("running");
    }

    @Test
    void aSessionsActivityGoesOutLiveAsSessionUpdatedWithCrewHubsActivityFieldsAndARestatementDoesNot(
            KafkaBroker broker) {
        this.tables.created("home", "agent:main:main");
        GatewayApp app = gateway(broker);
        try (SseTestClient client = app.events()) {
            await().atMost(WAIT).until(() -> client.events(SseEventType.SESSIONS_REFRESH).size() == 1);
            JsonNode before = client.events(SseEventType.SESSIONS_REFRESH).get(0).json().get("sessions").get(0);
            assertThat(before.get(SseSession.STATUS_FIELD).asString()).isEqualTo(SseSession.IDLE);
            assertThat(before.has(SseSession.ACTIVITY_FIELD)).isFalse();

            this.tables.activity(TableTopics.thinking("home", "agent:main:main", "run-1", 1));
            this.tables.activity(TableTopics.runningTool("home", "agent:main:main", "run-1", "exec", 2));
            await().atMost(WAIT).until(() -> client.events(SseEventType.SESSION_UPDATED).stream()
                    .anyMatch(event -> event.json().has(SseSession.ACTIVITY_TOOL_NAME_FIELD)));
            JsonNode running = last(client.events(SseEventType.SESSION_UPDATED)).json();
            assertThat(running.get("key").asString()).isEqualTo("agent:main:main");
            assertThat(running.get("sessionId").asString()).as("the whole session, not a patch")
                    .isEqualTo("sid-agent:main:main");
            assertThat(running.get(SseSession.STATUS_FIELD).asString()).isEqualTo(SseSession.ACTIVE);
            assertThat(running.get(SseSession.ACTIVITY_DETAIL_FIELD).asString()).isEqualTo("Running tool: exec");
            assertThat(running.get(SseSession.ACTIVITY_TOOL_NAME_FIELD).asString()).isEqualTo("exec");
            assertThat(running.get(SseSession.ACTIVITY_FIELD).get("state").asString())
                    .isEqualTo(ActivityState.RUNNING_TOOL.wireName());

            int updates = client.events(SseEventType.SESSION_UPDATED).size();
            this.tables.activity(TableTopics.runningTool("home", "agent:main:main", "run-1", "exec", 3));
            this.tables.activity(TableTopics.error("home", "agent:main:main", "run-1", "rate_limit", 4));
            await().atMost(WAIT).until(() -> last(client.events(SseEventType.SESSION_UPDATED)).json()
                    .path(SseSession.ACTIVITY_FIELD).path("state").asString("")
                    .equals(ActivityState.ERROR.wireName()));
            assertThat(client.events(SseEventType.SESSION_UPDATED)).as("the restated row was no change")
                    .hasSize(updates + 1);
            JsonNode failed = last(client.events(SseEventType.SESSION_UPDATED)).json();
            assertThat(failed.get(SseSession.STATUS_FIELD).asString()).isEqualTo(SseSession.IDLE);
            assertThat(failed.get(SseSession.ACTIVITY_DETAIL_FIELD).asString()).isEqualTo("Error: rate_limit");
            assertThat(failed.has(SseSession.ACTIVITY_TOOL_NAME_FIELD)).isFalse();

            ActivityError error = new ActivityError("rate_limit", 1_795_398_390_000L, "run-1", null);
            this.tables.activity(TableTopics.idle("home", "agent:main:main", 5, error));
            await().atMost(WAIT).until(() -> last(client.events(SseEventType.SESSION_UPDATED)).json()
                    .path(SseSession.ACTIVITY_FIELD).path("state").asString("")
                    .equals(ActivityState.IDLE.wireName()));
            JsonNode idle = last(client.events(SseEventType.SESSION_UPDATED)).json();
            assertThat(idle.has(SseSession.ACTIVITY_DETAIL_FIELD)).isFalse();
            assertThat(idle.get(SseSession.ACTIVITY_FIELD).get("lastError").get("kind").asString())
                    .as("kept after the session is idle again").isEqualTo("rate_limit");

            // Activity of a session the table does not have yet goes out with its row.
            this.tables.activity(TableTopics.runningTool("home", "agent:dev:main", "run-2", "browser", 1));
            this.tables.created("home", "agent:dev:main");
            await().atMost(WAIT).until(() -> client.events(SseEventType.SESSION_CREATED).size() == 1);
            JsonNode created = client.events(SseEventType.SESSION_CREATED).get(0).json();
            assertThat(created.get(SseSession.ACTIVITY_TOOL_NAME_FIELD).asString()).isEqualTo("browser");
            assertThat(created.get(SseSession.STATUS_FIELD).asString()).isEqualTo(SseSession.ACTIVE);
            assertThat(session(app.getJson("/api/sessions").get("sessions"), "agent:dev:main")
                    .get(SseSession.ACTIVITY_DETAIL_FIELD).asString()).isEqualTo("Running tool: browser");
        }
    }

    @Test
    void agentsRefreshOnConnectAndWhenAnAgentLeavesAndAgentUpdatedWhenOneChangesEachWithinItsFilter(
            KafkaBroker broker) {
        this.tables.agent(TableTopics.agent("home", "main", ActivityState.IDLE, ONE_IDLE, null, null, 1));
        this.tables.agent(TableTopics.agent("home", "dev", ActivityState.IDLE, AgentSessionCounts.NONE, null, null,
                1));
        GatewayApp app = gateway(broker);
        try (SseTestClient all = app.events(); SseTestClient dev = app.events("?agent=dev", Map.of())) {
            await().atMost(WAIT).until(() -> all.events(SseEventType.AGENTS_REFRESH).size() == 1
                    && dev.events(SseEventType.AGENTS_REFRESH).size() == 1);
            List<String> initial = all.events().stream().map(Event::name).toList();
            assertThat(initial.indexOf(SseEventType.AGENTS_REFRESH.eventName()))
                    .as("after the sessions and the gateways' statuses, in the initial burst")
                    .isGreaterThan(initial.lastIndexOf(SseEventType.GATEWAY_STATUS.eventName()));
            Event refresh = all.events(SseEventType.AGENTS_REFRESH).get(0);
            assertThat(refresh.id()).as("at the sessions-refresh's position")
                    .isEqualTo(all.events(SseEventType.SESSIONS_REFRESH).get(0).id());
            assertThat(refresh.json().get("agents")).extracting(agent -> agent.get("id").asString())
                    .containsExactly("dev", "main");
            assertThat(dev.events(SseEventType.AGENTS_REFRESH).get(0).json().get("agents"))
                    .extracting(agent -> agent.get("id").asString()).containsExactly("dev");

            AgentTool exec = new AgentTool("agent:main:main", "exec", 1_795_398_401_200L);
            this.tables.agent(TableTopics.agent("home", "main", ActivityState.RUNNING_TOOL, ONE_RUNNING_TOOL, exec,
                    null, 2));
            this.tables.agent(TableTopics.agent("home", "main", ActivityState.RUNNING_TOOL, ONE_RUNNING_TOOL, exec,
                    null, 3));
            this.tables.agentRemoved("home", "dev");
            await().atMost(WAIT).until(() -> all.events(SseEventType.AGENTS_REFRESH).size() == 2
                    && dev.events(SseEventType.AGENTS_REFRESH).size() == 2);

            assertThat(all.events(SseEventType.AGENT_UPDATED)).as("the restated row was no change").singleElement()
                    .satisfies(event -> {
                        JsonNode agent = event.json();
                        assertThat(agent.get("id").asString()).isEqualTo("main");
                        assertThat(agent.get("status").asString()).isEqualTo(ActivityState.RUNNING_TOOL.wireName());
                        assertThat(agent.get("currentTool").get("toolName").asString()).isEqualTo("exec");
                        assertThat(agent.get("sessions").get("runningTool").asLong()).isEqualTo(1);
                        assertThat(event.id()).startsWith("v2.");
                    });
            assertThat(last(all.events(SseEventType.AGENTS_REFRESH)).json().get("agents"))
                    .extracting(agent -> agent.get("id").asString()).as("the agent left").containsExactly("main");
            assertThat(dev.events(SseEventType.AGENT_UPDATED)).as("another agent's change").isEmpty();
            assertThat(last(dev.events(SseEventType.AGENTS_REFRESH)).json().get("agents")).isEmpty();
            assertThat(app.getJson("/api/agents").get("agents")).extracting(agent -> agent.get("id").asString())
                    .containsExactly("main");
        }
    }

    @Test
    void activityAndAgentRecordsThatBreakTheContractAreCountedAndSkipped(KafkaBroker broker) {
        this.tables.rawRecord(Topic.SESSION_ACTIVITY, "home/agent:main:main", "{\"not\":\"an activity\"}");
        this.tables.rawRecord(Topic.AGENT_STATE, "no-agent-in-this-key", "{}");
        this.tables.agent(TableTopics.agent("home", "main", ActivityState.IDLE, AgentSessionCounts.NONE, null, null,
                1));
        GatewayApp app = gateway(broker);
        await().atMost(WAIT).until(() -> app.getJson("/api/agents").get("agents").size() == 1);
        assertThat(app.meters().get("crewstream.sse.table.records.rejected")
                .tag("topic", Topic.SESSION_ACTIVITY.baseName()).counter().count()).isEqualTo(1);
        assertThat(app.meters().get("crewstream.sse.table.records.rejected")
                .tag("topic", Topic.AGENT_STATE.baseName()).counter().count()).isEqualTo(1);
    }

    private static Event last(List<Event> events) {
        assertThat(events).isNotEmpty();
        return events.get(events.size() - 1);
    }
}

package io.crewstream.ssegateway.usage;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.Timeline;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code /api/usage}: every agent's minutes of the last hours, read from the agent-usage topic through the real
 * broker; the last version of a minute holds, minutes outside the span are left out.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UsageApiTest {

    private static final long MINUTE = AgentUsageMinute.MINUTE_MILLIS;

    private Timeline timeline;

    private GatewayApp gateway;

    private long now;

    @BeforeAll
    void writeUsage(KafkaBroker broker) {
        this.timeline = Timeline.create(broker, "usage-api");
        this.now = AgentUsageMinute.minuteOf(System.currentTimeMillis());
        long old = this.now - 5 * 60 * MINUTE;
        this.timeline.usage(AgentUsageMinute.of("gw-a", "main", old, 9, 9, 0, 999, Map.of(), old));
        long first = this.now - 10 * MINUTE;
        long second = this.now - 9 * MINUTE;
        this.timeline.usage(AgentUsageMinute.of("gw-a", "main", first, 2, 2, 0, 100, Map.of(), first));
        // A later version of the same minute: it holds.
        this.timeline.usage(AgentUsageMinute.of("gw-a", "main", first, 3, 3, 0, 150, Map.of("done", 1L), first + 1));
        this.timeline.usage(AgentUsageMinute.of("gw-a", "main", second, 2, 0, 1, 40, Map.of("failed", 1L), second));
        this.timeline.usage(AgentUsageMinute.of("gw-b", "ops", second, 1, 1, 0, 7, Map.of(), second));
        this.timeline.brokenUsage(Instant.ofEpochMilli(second), "gw-a/main", "{\"minuteStart\": \"soon\"}");
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.timeline.prefix());
        await().atMost(Duration.ofSeconds(30)).until(() -> this.gateway.get("/actuator/health/readiness")
                .statusCode() == 200);
    }

    @AfterAll
    void stop() {
        this.gateway.close();
        this.timeline.close();
    }

    @Test
    void everyAgentsMinutesOfTheSpanWithTheLastVersionOfEach() {
        JsonNode usage = this.gateway.getJson("/api/usage?hours=1");
        assertThat(Instant.parse(usage.path("to").asString())).isAfter(Instant.ofEpochMilli(this.now));
        List<JsonNode> agents = usage.path("agents").valueStream().toList();
        assertThat(agents).extracting(agent -> agent.path("connectionId").asString() + "/"
                + agent.path("agentId").asString()).containsExactly("gw-a/main", "gw-b/ops");
        JsonNode main = agents.get(0).path("minutes");
        assertThat(main.size()).as("the minute five hours ago is outside the span").isEqualTo(2);
        assertThat(main.get(0).path("minuteStart").asLong()).isEqualTo(this.now - 10 * MINUTE);
        assertThat(main.get(0).path("tokensConsumed").asLong()).isEqualTo(150);
        assertThat(main.get(0).path("activeSessions").asLong()).isEqualTo(3);
        assertThat(main.get(0).path("runsFinished").path("done").asLong()).isEqualTo(1);
        assertThat(main.get(1).path("sessionsRemoved").asLong()).isEqualTo(1);
        assertThat(main.get(1).path("runsFinished").path("failed").asLong()).isEqualTo(1);
    }

    @Test
    void aRecordThatIsNotAnAgentsMinuteIsCountedAndTheRestStillShown() {
        JsonNode usage = this.gateway.getJson("/api/usage?hours=1");
        assertThat(usage.path("unreadableRecords").asLong()).isEqualTo(1);
        assertThat(usage.path("agents").size()).isEqualTo(2);
    }

    @Test
    void aGatewayFilterKeepsItsAgentsOnly() {
        JsonNode usage = this.gateway.getJson("/api/usage?hours=24&connection=gw-b");
        assertThat(usage.path("agents").valueStream().map(agent -> agent.path("agentId").asString()))
                .containsExactly("ops");
    }

    @Test
    void aSpanThatIsNotAWholeNumberOfHoursFromOneTo24IsA400() {
        for (String hours : List.of("0", "25", "-1", "two", "1.5")) {
            var response = this.gateway.get("/api/usage?hours=" + hours);
            assertThat(response.statusCode()).as(hours).isEqualTo(400);
            assertThat(response.body()).contains("hours");
        }
    }
}

package io.crewstream.ingestor;

import java.nio.file.Path;
import java.util.List;

import io.crewstream.ingestor.support.IngestorRun;
import io.crewstream.ingestor.support.KafkaOutput;
import io.crewstream.ingestor.support.ScriptedGateway;
import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static io.crewstream.ingestor.UpstreamScenariosTest.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Run activity and agent lists when the gateway misbehaves in ways the simulator does not offer: an
 * {@code agents.list} refused for a missing scope, an {@code agent} event too broken to read. Neither may cost the
 * connection, the sessions, or the run steps after it.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ActivityFaultsTest {

    private static final String CONNECTION = "scripted";
    private static final String HELLO = "{\"type\":\"hello-ok\",\"protocol\":4,\"server\":{\"version\":\"2026.9.6\"},"
            + "\"auth\":{\"role\":\"operator\",\"scopes\":[\"operator.read\"]},\"policy\":{\"tickIntervalMs\":30000}}";
    private static final String EMPTY_LIST = "{\"subscribed\":true,\"list\":{\"ts\":1,\"count\":0,\"totalCount\":0,"
            + "\"sessions\":[],\"hasMore\":false,\"nextOffset\":null}}";

    @TempDir
    Path folder;

    @Test
    void aRefusedAgentsListIsReportedWhileTheSessionsKeepFlowing(KafkaBroker broker) throws Exception {
        String prefix = broker.uniquePrefix("agents-refused");
        KafkaOutput kafka = new KafkaOutput(broker, new TopicNamespace(prefix));
        try (ScriptedGateway gateway = ScriptedGateway.answering(request -> switch (method(request)) {
            case "agents.list" -> List.of(failure(request, "FORBIDDEN", "missing scope: operator.read"));
            case "connect" -> List.of(success(request, HELLO));
            default -> List.of(success(request, EMPTY_LIST));
        }).start(); IngestorRun ingestor = IngestorRun.builder(broker.bootstrapServers(), prefix)
                .upstream(CONNECTION, gateway.url(), "t", this.folder).start()) {
            MeterRegistry meters = ingestor.bean(MeterRegistry.class);

            await().until(() -> meters.counter("crewstream.ingestor.agents.list.failures", "connection", CONNECTION)
                    .count() >= 1);
            await().until(() -> kafka.states().contains(UpstreamState.CONNECTED));
            assertThat(kafka.completeSnapshots()).hasSize(1);
            assertThat(kafka.agentLists()).isEmpty();
            assertThat(ingestor.bean(UpstreamSupervisors.class).all().get(0).agentListProblem())
                    .isEqualTo("agents.list failed: FORBIDDEN: missing scope: operator.read");
            assertThat(kafka.states()).as("never dropped for it").endsWith(UpstreamState.CONNECTED)
                    .doesNotContain(UpstreamState.DISCONNECTED);
        }
    }

    @Test
    void aBrokenAgentEventIsCountedAndKeptInRawFramesAndTheNextStepStillArrives(KafkaBroker broker)
            throws Exception {
        String prefix = broker.uniquePrefix("activity-broken");
        KafkaOutput kafka = new KafkaOutput(broker, new TopicNamespace(prefix));
        String broken = "{\"type\":\"event\",\"event\":\"agent\",\"payload\":{\"stream\":\"lifecycle\","
                + "\"data\":{\"phase\":\"start\"},\"sessionKey\":\"agent:main:main\",\"seq\":1,\"ts\":5}}";
        String good = "{\"type\":\"event\",\"event\":\"agent\",\"payload\":{\"runId\":\"r2\",\"stream\":\"lifecycle\","
                + "\"data\":{\"phase\":\"start\",\"startedAt\":6},\"sessionKey\":\"agent:main:main\","
                + "\"agentId\":\"main\",\"seq\":1,\"ts\":6}}";
        try (ScriptedGateway gateway = ScriptedGateway.answering(request -> switch (method(request)) {
            case "connect" -> List.of(success(request, HELLO));
            case "agents.list" -> List.of(success(request, "{\"defaultId\":\"main\",\"agents\":[{\"id\":\"main\"}]}"));
            // After the snapshot's page: the ingestor is connected when these arrive.
            default -> List.of(success(request, EMPTY_LIST), broken, good);
        }).start(); IngestorRun ingestor = IngestorRun.builder(broker.bootstrapServers(), prefix)
                .upstream(CONNECTION, gateway.url(), "t", this.folder).start()) {
            MeterRegistry meters = ingestor.bean(MeterRegistry.class);

            await().until(() -> kafka.runEvents().size() == 1);
            RunEvent started = kafka.runEvents().get(0);
            assertThat(started).isEqualTo(RunEvent.runStarted(CONNECTION, "agent:main:main", "main", "r2", 6,
                    started.observedAt(), 1L));
            assertThat(meters.counter("crewstream.ingestor.activity.malformed", "connection", CONNECTION).count())
                    .isEqualTo(1);
            assertThat(kafka.rawFrames()).filteredOn(frame -> "agent".equals(frame.event())).extracting(RawFrame::text)
                    .hasSize(2).anySatisfy(text -> assertThat(text).doesNotContain("runId"));
            assertThat(kafka.states()).endsWith(UpstreamState.CONNECTED).doesNotContain(UpstreamState.DISCONNECTED);
        }
    }

    private static String method(JsonNode request) {
        return request.path("method").asString();
    }

    private static String success(JsonNode request, String payload) {
        return "{\"type\":\"res\",\"id\":\"" + request.path("id").asString() + "\",\"ok\":true,\"payload\":" + payload
                + "}";
    }

    private static String failure(JsonNode request, String code, String message) {
        return "{\"type\":\"res\",\"id\":\"" + request.path("id").asString() + "\",\"ok\":false,\"error\":{\"code\":\""
                + code + "\",\"message\":\"" + message + "\"}}";
    }
}

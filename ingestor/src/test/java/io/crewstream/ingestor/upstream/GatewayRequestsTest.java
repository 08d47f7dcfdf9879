package io.crewstream.ingestor.upstream;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.crewstream.ingestor.config.IngestorConfigValidator;
import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.UpstreamTarget;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

class GatewayRequestsTest {

    @TempDir
    Path folder;

    @Test
    void connectAsksForProtocol4AndReadScopeOnTheLoopbackTokenPath() throws Exception {
        Files.writeString(this.folder.resolve("t"), "tok");
        IngestorProperties properties = new IngestorProperties(List.of(new IngestorProperties.Upstream("x",
                "ws://127.0.0.1:1", "UNUSED", this.folder.resolve("t"), true)),
                new IngestorProperties.Kafka(1, true, java.time.Duration.ofSeconds(30), 262144, 900000, 10),
                new IngestorProperties.Connection(java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(1),
                        java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(60),
                        java.time.Duration.ofSeconds(30), java.time.Duration.ofSeconds(10),
                        java.time.Duration.ofSeconds(30), 100, java.time.Duration.ofSeconds(5),
                        java.time.Duration.ofSeconds(5)), false, null, IngestorProperties.Ownership.DEFAULTS);
        UpstreamTarget target = new IngestorConfigValidator(Map.<String, String>of()::get).validate(properties).get(0);

        JsonNode connect = GatewayJson.mapper().readTree(new GatewayRequests("1.2.3").connect("1", target.token()));

        assertThat(connect.path("type").asString()).isEqualTo("req");
        assertThat(connect.path("method").asString()).isEqualTo("connect");
        JsonNode params = connect.path("params");
        assertThat(params.path("minProtocol").asInt()).isEqualTo(4);
        assertThat(params.path("maxProtocol").asInt()).isEqualTo(4);
        assertThat(params.path("client").path("id").asString()).isEqualTo("gateway-client");
        assertThat(params.path("client").path("mode").asString()).isEqualTo("backend");
        assertThat(params.path("client").path("version").asString()).isEqualTo("1.2.3");
        assertThat(params.path("role").asString()).isEqualTo("operator");
        assertThat(params.path("scopes").get(0).asString()).isEqualTo("operator.read");
        assertThat(params.path("caps")).as("tool-stream agent events need it; session-scoped-events would narrow "
                + "agent and chat events to sessions subscribed one by one").extracting(JsonNode::asString)
                .containsExactly("tool-events");
        assertThat(params.path("auth").path("token").asString()).isEqualTo("tok");
    }

    @Test
    void listPagesSendOffsetOnlyAfterTheFirstPage() throws Exception {
        GatewayRequests requests = new GatewayRequests("1");

        JsonNode first = GatewayJson.mapper().readTree(requests.sessionsList("2", 100, 0)).path("params");
        JsonNode later = GatewayJson.mapper().readTree(requests.sessionsList("3", 100, 200)).path("params");
        JsonNode subscribe = GatewayJson.mapper().readTree(requests.sessionsSubscribe("4", 50));

        assertThat(first.has("offset")).isFalse();
        assertThat(later.path("offset").asLong()).isEqualTo(200);
        assertThat(subscribe.path("method").asString()).isEqualTo("sessions.subscribe");
        assertThat(subscribe.path("params").path("limit").asInt()).isEqualTo(50);
    }

    @Test
    void agentsListSendsTheEmptyParamsItsClosedSchemaAllows() {
        JsonNode request = GatewayJson.mapper().readTree(new GatewayRequests("1").agentsList("5"));

        assertThat(request.path("method").asString()).isEqualTo("agents.list");
        assertThat(request.path("id").asString()).isEqualTo("5");
        assertThat(request.path("params").isObject()).isTrue();
        assertThat(request.path("params").size()).isZero();
    }
}

package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.Map;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.http.ActuatorEndpoints;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every actuator endpoint the SSE gateway lists as exposed answers once its table is loaded: no 404, no 5xx. */
@ExtendWith(KafkaBrokerExtension.class)
class ActuatorEndpointsTest {

    @Test
    void everyExposedActuatorEndpointAnswers(KafkaBroker broker) throws Exception {
        try (TableTopics tables = TableTopics.create(broker, "sse-actuator")) {
            tables.connection("home", UpstreamState.CONNECTED);
            try (GatewayApp gateway = GatewayApp.start(broker.bootstrapServers(), tables.prefix())) {
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> gateway.get("/actuator/health").statusCode() == 200);
                String exposure = gateway.bean(Environment.class)
                        .getProperty("management.endpoints.web.exposure.include");

                Map<String, Integer> statuses = ActuatorEndpoints.statuses(gateway.uri(""), exposure);

                assertThat(statuses).containsKeys("/actuator/health", "/actuator/info", "/actuator/metrics",
                        "/actuator/prometheus");
                assertThat(statuses).allSatisfy((path, status) -> assertThat(status).as(path).isBetween(200, 299));
            }
        }
    }
}

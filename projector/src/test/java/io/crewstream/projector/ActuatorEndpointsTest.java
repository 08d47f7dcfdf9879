package io.crewstream.projector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.testsupport.http.ActuatorEndpoints;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Every actuator endpoint the projector lists as exposed answers: none is a 404 or a 5xx. */
@ExtendWith(KafkaBrokerExtension.class)
class ActuatorEndpointsTest {

    @TempDir
    Path stateDir;

    @Test
    void everyExposedActuatorEndpointAnswers(KafkaBroker broker) throws Exception {
        String namespace = broker.uniquePrefix("projector-actuator");
        try (RunningProjector projector = RunningProjector.start(broker, namespace, namespace + "projector",
                this.stateDir)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> !projector.streams().activeTasks().isEmpty());
            String exposure = projector.property("management.endpoints.web.exposure.include");

            Map<String, Integer> statuses = ActuatorEndpoints.statuses(projector.baseUri(), exposure);

            assertThat(statuses).containsKeys("/actuator/health", "/actuator/metrics");
            assertThat(statuses).allSatisfy((path, status) -> assertThat(status).as(path).isBetween(200, 299));
        }
    }
}

package io.crewstream.projector;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.streams.Startup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The projector started while Kafka is down (nothing listens at its bootstrap address): it must come up, say that
 * it is waiting for Kafka and why, and stop cleanly, instead of failing its start, which any restart policy would
 * turn into a crash loop.
 */
class ProjectorWithoutKafkaTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);


    @TempDir
    Path stateDir;

    @Test
    void startsWhileKafkaIsDownAndReportsInHealthThatItIsWaitingForKafkaWithTheReason() throws Exception {
        String bootstrapServers = "127.0.0.1:" + freePort();
        try (RunningProjector projector = launch(bootstrapServers, "projector-waiting")) {
            assertThat(projector.isRunning()).as("the application context started").isTrue();

            await().atMost(PATIENCE).untilAsserted(() -> {
                HttpResponse<String> response = health(projector);
                assertThat(response.statusCode()).as("out of service").isEqualTo(503);
                JsonNode body = ContractJson.mapper().readTree(response.body());
                assertThat(body.get("status").asString()).isEqualTo("OUT_OF_SERVICE");
                JsonNode details = body.get("components").get("projector").get("details");
                assertThat(details.get("state").asString()).isEqualTo(Startup.Phase.WAITING_FOR_KAFKA.name());
                assertThat(details.get("reason").asString()).contains("No answer from Kafka at " + bootstrapServers);
                assertThat(details.get("failedAttempts").asInt()).isPositive();
            });
        }
    }

    @Test
    void startsWhenTheBootstrapAddressDoesNotResolveYet() throws Exception {
        // As in a cluster whose DNS name for Kafka is not published yet.
        try (RunningProjector projector = launch("kafka.invalid:9092", "projector-unresolved")) {
            assertThat(projector.isRunning()).as("the application context started").isTrue();
            await().atMost(PATIENCE).until(() -> projector.streams().startup().phase(),
                    phase -> phase == Startup.Phase.WAITING_FOR_KAFKA);
        }
    }

    @Test
    void stopEndsTheWaitForKafka() throws Exception {
        String applicationId = "projector-stopped-while-waiting";
        RunningProjector projector = launch("127.0.0.1:" + freePort(), applicationId);
        await().atMost(PATIENCE).until(() -> projector.streams().startup().phase(),
                phase -> phase == Startup.Phase.WAITING_FOR_KAFKA);
        assertThat(starterThreadAlive(applicationId)).as("the starter thread waits for Kafka").isTrue();

        projector.close();

        // stop() waits for the starter at most the close timeout (5 s here); one that ignored the interrupt would
        // go on retrying for ever.
        assertThat(starterThreadAlive(applicationId)).as("the starter thread ended with stop()").isFalse();
        assertThat(projector.isRunning()).isFalse();
    }

    private RunningProjector launch(String bootstrapServers, String applicationId) {
        Map<String, String> properties = RunningProjector.properties(bootstrapServers, "", applicationId,
                "instance-1", this.stateDir);
        // Each attempt gives up after a second, so that the first reason shows at once.
        properties.put("crewstream.projector.provisioning-timeout", "1s");
        properties.put("crewstream.projector.close-timeout", "5s");
        return RunningProjector.launch(properties);
    }

    private static boolean starterThreadAlive(String applicationId) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("projector-starter-" + applicationId) && thread.isAlive());
    }

    private static HttpResponse<String> health(RunningProjector projector) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(projector.healthUri()).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A local port nothing listens on. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}

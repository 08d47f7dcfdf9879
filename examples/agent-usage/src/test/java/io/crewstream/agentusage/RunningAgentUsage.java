package io.crewstream.agentusage;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.agentusage.streams.UsageStreams;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.streams.Startup;
import io.crewstream.testsupport.kafka.KafkaBroker;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real agent-usage application, started the way {@code java -jar} starts it, with properties for a test. */
final class RunningAgentUsage implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningAgentUsage(ConfigurableApplicationContext context) {
        this.context = context;
    }

    /** Starts the app and returns once it has provisioned its topics and started Kafka Streams. */
    static RunningAgentUsage start(KafkaBroker broker, String namespace, int partitions, Path stateDir) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("crewstream.kafka.bootstrap-servers", broker.bootstrapServers());
        properties.put("crewstream.kafka.topic-prefix", namespace);
        properties.put("crewstream.agent-usage.application-id", namespace + "agent-usage");
        properties.put("crewstream.agent-usage.instance-id", "instance-1");
        properties.put("crewstream.agent-usage.state-dir", stateDir.toString());
        properties.put("crewstream.kafka.partitions", Integer.toString(partitions));
        properties.put("crewstream.agent-usage.commit-interval", "100ms");
        properties.put("crewstream.agent-usage.close-timeout", "20s");
        properties.put("server.port", "0");
        // Command-line arguments, as with java -jar: they take precedence over application.properties.
        String[] arguments = properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue())
                .toArray(String[]::new);
        RunningAgentUsage app = new RunningAgentUsage(new SpringApplicationBuilder(AgentUsageApplication.class)
                .run(arguments));
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> app.streams().startup().phase(),
                    phase -> phase == Startup.Phase.STARTED || phase == Startup.Phase.FAILED);
            assertThat(app.streams().startup().phase()).as(app.streams().startup().toString())
                    .isEqualTo(Startup.Phase.STARTED);
        }
        catch (RuntimeException | AssertionError ex) {
            app.close();
            throw ex;
        }
        return app;
    }

    UsageStreams streams() {
        return this.context.getBean(UsageStreams.class);
    }

    /** {@code /actuator/health}, parsed. */
    JsonNode health() throws IOException, InterruptedException {
        URI uri = URI.create("http://localhost:" + this.context.getEnvironment().getProperty("local.server.port")
                + "/actuator/health");
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return ContractJson.mapper().readTree(response.body());
    }

    /** Stops the app: Kafka Streams commits what it processed and closes. */
    @Override
    public void close() {
        this.context.close();
    }
}

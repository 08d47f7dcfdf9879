package io.crewstream.projector;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.projector.streams.ProjectorStreams;
import io.crewstream.streams.Startup;
import io.crewstream.testsupport.kafka.KafkaBroker;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The real projector application, started the way {@code java -jar} starts it, with properties for a test. */
final class RunningProjector implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningProjector(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static RunningProjector start(KafkaBroker broker, String namespace, String applicationId, Path stateDir) {
        return start(broker, namespace, applicationId, "instance-1", stateDir);
    }

    /** Starts the app and returns once it has provisioned its topics and started Kafka Streams. */
    static RunningProjector start(KafkaBroker broker, String namespace, String applicationId, String instanceId,
            Path stateDir) {
        return start(properties(broker.bootstrapServers(), namespace, applicationId, instanceId, stateDir));
    }

    /**
     * Starts the app with these properties and returns once it has provisioned its topics and started Kafka Streams:
     * a record sent before would make the broker auto-create its topic with one partition.
     */
    static RunningProjector start(Map<String, String> properties) {
        RunningProjector projector = launch(properties);
        try {
            await().atMost(Duration.ofSeconds(60)).until(() -> projector.streams().startup().phase(),
                    phase -> phase == Startup.Phase.STARTED || phase == Startup.Phase.FAILED);
            assertThat(projector.streams().startup().phase()).as(projector.streams().startup().toString())
                    .isEqualTo(Startup.Phase.STARTED);
        }
        catch (RuntimeException | AssertionError ex) {
            projector.close();
            throw ex;
        }
        return projector;
    }

    /** The properties of a test projector, to be adjusted and passed to {@link #launch(Map)}. */
    static Map<String, String> properties(String bootstrapServers, String namespace, String applicationId,
            String instanceId, Path stateDir) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("crewstream.kafka.bootstrap-servers", bootstrapServers);
        properties.put("crewstream.kafka.topic-prefix", namespace);
        properties.put("crewstream.projector.application-id", applicationId);
        properties.put("crewstream.projector.instance-id", instanceId);
        properties.put("crewstream.projector.state-dir", stateDir.toString());
        properties.put("crewstream.kafka.partitions", "2");
        properties.put("crewstream.projector.close-timeout", "20s");
        properties.put("server.port", "0");
        return properties;
    }

    /** Starts the app and returns as soon as its context is up, whether or not it could reach Kafka. */
    static RunningProjector launch(Map<String, String> properties) {
        // Command-line arguments, as with java -jar: they take precedence over application.properties.
        String[] arguments = properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue())
                .toArray(String[]::new);
        return new RunningProjector(new SpringApplicationBuilder(ProjectorApplication.class).run(arguments));
    }

    boolean isRunning() {
        return this.context.isRunning();
    }

    ProjectorStreams streams() {
        return this.context.getBean(ProjectorStreams.class);
    }

    /** The app's health endpoint. */
    URI healthUri() {
        return baseUri().resolve("/actuator/health");
    }

    /** The app's HTTP address. */
    URI baseUri() {
        return URI.create("http://localhost:" + this.context.getEnvironment().getProperty("local.server.port"));
    }

    /** A property as the app sees it. */
    String property(String name) {
        return this.context.getEnvironment().getProperty(name);
    }

    /** Stops the app: Kafka Streams commits what it processed and closes. */
    @Override
    public void close() {
        this.context.close();
    }
}

package io.crewstream.projector;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.projector.streams.ProjectorStreams;
import io.crewstream.testsupport.kafka.KafkaBroker;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** The real projector application, started the way {@code java -jar} starts it, with properties for a test. */
final class RunningProjector implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private RunningProjector(ConfigurableApplicationContext context) {
        this.context = context;
    }

    static RunningProjector start(KafkaBroker broker, String namespace, String applicationId, Path stateDir) {
        return start(broker, namespace, applicationId, "instance-1", stateDir);
    }

    static RunningProjector start(KafkaBroker broker, String namespace, String applicationId, String instanceId,
            Path stateDir) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("crewstream.projector.bootstrap-servers", broker.bootstrapServers());
        properties.put("crewstream.projector.topic-namespace", namespace);
        properties.put("crewstream.projector.application-id", applicationId);
        properties.put("crewstream.projector.instance-id", instanceId);
        properties.put("crewstream.projector.state-dir", stateDir.toString());
        properties.put("crewstream.projector.partitions", "2");
        properties.put("crewstream.projector.close-timeout", "20s");
        properties.put("server.port", "0");
        // Command-line arguments, as with java -jar: they take precedence over application.properties.
        String[] arguments = properties.entrySet().stream()
                .map(property -> "--" + property.getKey() + "=" + property.getValue())
                .toArray(String[]::new);
        return new RunningProjector(new SpringApplicationBuilder(ProjectorApplication.class).run(arguments));
    }

    ProjectorStreams streams() {
        return this.context.getBean(ProjectorStreams.class);
    }

    /** The app's health endpoint. */
    URI healthUri() {
        return URI.create("http://localhost:" + this.context.getEnvironment().getProperty("local.server.port")
                + "/actuator/health");
    }

    /** Stops the app: Kafka Streams commits what it processed and closes. */
    @Override
    public void close() {
        this.context.close();
    }
}

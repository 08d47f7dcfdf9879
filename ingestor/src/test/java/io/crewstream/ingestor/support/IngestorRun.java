package io.crewstream.ingestor.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.ingestor.IngestorApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real ingestor application (the production Spring Boot app, no web server) pointed at one gateway and a topic
 * namespace, with short timings so that reconnect scenarios finish in seconds.
 */
public final class IngestorRun implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private IngestorRun(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static Builder builder(String bootstrapServers, String topicPrefix) {
        return new Builder(bootstrapServers, topicPrefix);
    }

    public ConfigurableApplicationContext context() {
        return this.context;
    }

    public <T> T bean(Class<T> type) {
        return this.context.getBean(type);
    }

    /** The HTTP port, when started {@link Builder#withWebServer() with a web server}. */
    public int port() {
        return Integer.parseInt(this.context.getEnvironment().getRequiredProperty("local.server.port"));
    }

    @Override
    public void close() {
        this.context.close();
    }

    public static final class Builder {

        private final Map<String, Object> properties = new LinkedHashMap<>();
        private int upstreams;
        private WebApplicationType web = WebApplicationType.NONE;

        private Builder(String bootstrapServers, String topicPrefix) {
            this.properties.put("crewstream.kafka.bootstrap-servers", bootstrapServers);
            this.properties.put("crewstream.kafka.topic-prefix", topicPrefix);
            this.properties.put("crewstream.kafka.partitions", "2");
            this.properties.put("crewstream.ingestor.kafka.raw-frames-partitions", "1");
            this.properties.put("crewstream.ingestor.connection.backoff-initial", "50ms");
            this.properties.put("crewstream.ingestor.connection.backoff-max", "400ms");
            this.properties.put("crewstream.ingestor.connection.auth-retry-interval", "300ms");
            this.properties.put("crewstream.ingestor.connection.request-timeout", "10s");
            this.properties.put("crewstream.ingestor.connection.connect-timeout", "2s");
            this.properties.put("spring.main.banner-mode", "off");
        }

        /** One more upstream gateway, with its token in a file under {@code folder}. */
        public Builder upstream(String id, URI url, String token, Path folder) {
            Path tokenFile = folder.resolve(id + ".token");
            try {
                Files.writeString(tokenFile, token);
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            String property = "crewstream.ingestor.upstreams[" + this.upstreams++ + "]";
            this.properties.put(property + ".id", id);
            this.properties.put(property + ".url", url.toString());
            this.properties.put(property + ".token-file", tokenFile.toString());
            return this;
        }

        public Builder property(String name, Object value) {
            this.properties.put(name, value);
            return this;
        }

        /** Runs the actuator endpoints on a free port ({@link IngestorRun#port()}). */
        public Builder withWebServer() {
            this.web = WebApplicationType.SERVLET;
            return this;
        }

        public IngestorRun start() {
            return new IngestorRun(new SpringApplicationBuilder(IngestorApplication.class)
                    .web(this.web)
                    .properties(this.properties)
                    // An argument, not a default property: application.properties sets the production port.
                    .run("--server.port=0"));
        }
    }
}

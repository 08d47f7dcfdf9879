package io.crewstream.projector;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Kafka Streams app that projects the ingestor's session events and connection status into the compacted
 * session-state and connection-state tables. See the module's README.
 */
@SpringBootApplication
public class ProjectorApplication {

    public static void main(String[] args) {
        SpringApplication.run(ProjectorApplication.class, args);
    }
}

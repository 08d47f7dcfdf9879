package io.crewstream.projector;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Kafka Streams app that projects session events into compacted latest-state tables. Not implemented yet: see the project's open issues. */
@SpringBootApplication
public class ProjectorApplication {

    public static void main(String[] args) {
        SpringApplication.run(ProjectorApplication.class, args);
    }
}

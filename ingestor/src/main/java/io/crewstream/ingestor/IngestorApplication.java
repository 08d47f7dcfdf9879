package io.crewstream.ingestor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Keeps one robust connection per OpenClaw gateway and writes snapshots, deltas, status and raw frames to Kafka. Not implemented yet: see the project's open issues. */
@SpringBootApplication
public class IngestorApplication {

    public static void main(String[] args) {
        SpringApplication.run(IngestorApplication.class, args);
    }
}

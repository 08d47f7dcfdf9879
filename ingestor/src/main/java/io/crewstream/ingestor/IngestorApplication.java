package io.crewstream.ingestor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Keeps one robust connection per OpenClaw gateway and writes snapshots, deltas, connection status and raw frames
 * to Kafka. See the module README for configuration and behaviour.
 */
@SpringBootApplication
public class IngestorApplication {

    public static void main(String[] args) {
        SpringApplication.run(IngestorApplication.class, args);
    }
}

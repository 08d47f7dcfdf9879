package io.crewstream.ssegateway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Stateless instances that serve the latest-state table and stream every change to browsers over SSE. Not implemented yet: see the project's open issues. */
@SpringBootApplication
public class SseGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(SseGatewayApplication.class, args);
    }
}

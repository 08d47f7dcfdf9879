package io.crewstream.ssegateway;

import io.crewstream.runtime.KafkaSettings;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Stateless instances that serve the latest-state table and stream every change to browsers over SSE: each reads
 * the projector's compacted session-state and connection-state topics whole into memory and serves them as an
 * initial load plus a stream of changes from the same position.
 */
// No user store: the API's callers are bearer tokens (ApiSecurityConfiguration), never a generated password.
@SpringBootApplication(excludeName = {
        "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
        "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration" })
@EnableConfigurationProperties({ SseGatewayProperties.class, KafkaSettings.class })
public class SseGatewayApplication {

    public static void main(String[] args) {
        SpringApplication.run(SseGatewayApplication.class, args);
    }
}

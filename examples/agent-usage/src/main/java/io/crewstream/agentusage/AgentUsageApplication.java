package io.crewstream.agentusage;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * Kafka Streams app that turns the public session-state table into per-agent, per-minute usage on the agent-usage
 * topic. An example of an analytics consumer: what it knows comes from crewstream-schemas only, and its Kafka Streams
 * lifecycle from the crewstream-streams-runtime library; it depends on no other crewstream app. See the module's
 * README.
 */
@SpringBootApplication
public class AgentUsageApplication {

    public static void main(String[] args) {
        SpringApplication.run(AgentUsageApplication.class, args);
    }
}

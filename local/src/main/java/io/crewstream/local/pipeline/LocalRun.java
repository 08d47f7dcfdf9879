package io.crewstream.local.pipeline;

import java.nio.file.Path;
import java.util.Map;

import io.crewstream.schemas.TopicNamespace;
import io.crewstream.sim.control.ChurnPlan;

/**
 * What one local run does.
 *
 * @param dataDirectory kept across runs: the embedded Kafka's data ({@code kafka/}), the projector's and the
 *     agent-usage app's stores ({@code projector/}, {@code agent-usage/}) and, while a demo runs, its token file
 * @param externalBootstrapServers a Kafka cluster to use instead of the embedded broker, or {@code null}
 * @param kafkaPort client port of the embedded broker
 * @param kafkaControllerPort controller port of the embedded broker
 * @param namespace topic-name prefix
 * @param partitions partitions of the topics created when missing
 * @param dashboardPort HTTP port of the SSE gateway
 * @param ingestorPort HTTP port of the ingestor's actuator
 * @param projectorPort HTTP port of the projector's actuator
 * @param agentUsagePort HTTP port of the agent-usage app's actuator
 * @param projectorApplicationId Kafka Streams application id of the projector
 * @param demo run the simulated gateway and connect the ingestor to it
 * @param demoPlan sessions and change rate of the demo gateway
 * @param demoAgents agents the demo sessions are spread over
 * @param extraSettings further properties for every app
 */
public record LocalRun(Path dataDirectory, String externalBootstrapServers, int kafkaPort, int kafkaControllerPort,
        TopicNamespace namespace, int partitions, int dashboardPort, int ingestorPort, int projectorPort,
        int agentUsagePort, String projectorApplicationId, boolean demo, ChurnPlan demoPlan, int demoAgents,
        Map<String, String> extraSettings) {

    public LocalRun {
        extraSettings = Map.copyOf(extraSettings);
    }
}

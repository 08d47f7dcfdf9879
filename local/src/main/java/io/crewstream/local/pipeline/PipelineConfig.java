package io.crewstream.local.pipeline;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import io.crewstream.schemas.TopicNamespace;

/**
 * Where the apps of one local pipeline find Kafka, which ports they listen on and where they keep state.
 *
 * @param bootstrapServers the Kafka cluster every app uses
 * @param namespace topic-name prefix shared by all apps ({@link TopicNamespace#DEFAULT} for a normal run)
 * @param partitions partitions of the topics created when missing
 * @param dashboardPort HTTP port of the SSE gateway (dashboard and {@code /api/events}); 0 = any free port
 * @param ingestorPort HTTP port of the ingestor's {@code /actuator}; 0 = any free port
 * @param projectorPort HTTP port of the projector's {@code /actuator}; 0 = any free port
 * @param agentUsagePort HTTP port of the agent-usage app's {@code /actuator}; 0 = any free port
 * @param projectorStateDir the projector's local state stores
 * @param agentUsageStateDir the agent-usage app's local state stores
 * @param projectorApplicationId Kafka Streams application id (consumer group, changelog prefix)
 * @param upstream the one gateway the ingestor connects to, or {@code null} to leave the ingestor's own
 *     configuration ({@code crewstream.ingestor.upstreams}; by default the OpenClaw gateway on this machine, its
 *     port and token read from OpenClaw's own config file, or {@code OPENCLAW_GATEWAY_TOKEN}) alone
 * @param extraSettings further properties for every app, e.g. shorter timings in tests
 */
public record PipelineConfig(String bootstrapServers, TopicNamespace namespace, int partitions, int dashboardPort,
        int ingestorPort, int projectorPort, int agentUsagePort, Path projectorStateDir, Path agentUsageStateDir,
        String projectorApplicationId, Upstream upstream, Map<String, String> extraSettings) {

    public PipelineConfig {
        extraSettings = Map.copyOf(extraSettings);
    }

    /**
     * A gateway chosen by the launcher (the demo simulator, or a test's).
     *
     * @param id connection id
     * @param url WebSocket address
     * @param tokenFile file holding its token: the ingestor reads tokens from the environment or a file, and a
     *     running JVM cannot add to its own environment
     */
    public record Upstream(String id, URI url, Path tokenFile) {
    }
}

package io.crewstream.local.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import io.crewstream.local.pipeline.PipelineConfig;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.testsupport.kafka.KafkaBroker;

/** Pipeline configurations for tests: the shared broker, a namespace of their own, free ports, quick timings. */
public final class TestPipelines {

    /** Quick reconnects and heartbeats, so that a test sees outages and recoveries within seconds. */
    public static final Map<String, String> QUICK = Map.of(
            "crewstream.ingestor.connection.backoff-initial", "100ms",
            "crewstream.ingestor.connection.backoff-max", "500ms",
            "crewstream.ingestor.connection.auth-retry-interval", "1s",
            "crewstream.sse.heartbeat", "1s");

    private TestPipelines() {
    }

    public static PipelineConfig config(KafkaBroker broker, String hint, Path stateDirectory, URI upstreamUrl,
            String token) {
        String prefix = broker.uniquePrefix(hint);
        Path tokenFile = stateDirectory.resolve("gateway.token");
        try {
            Files.createDirectories(stateDirectory);
            Files.writeString(tokenFile, token);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return new PipelineConfig(broker.bootstrapServers(), new TopicNamespace(prefix), 3, 0, 0, 0, 0,
                stateDirectory.resolve("projector"), stateDirectory.resolve("agent-usage"), prefix + "projector",
                new PipelineConfig.Upstream("gw-" + hint, upstreamUrl, tokenFile), QUICK);
    }

    /** The same pipeline with further properties for every app, overriding those of the same name. */
    public static PipelineConfig withSettings(PipelineConfig config, Map<String, String> settings) {
        Map<String, String> all = new HashMap<>(config.extraSettings());
        all.putAll(settings);
        return new PipelineConfig(config.bootstrapServers(), config.namespace(), config.partitions(),
                config.dashboardPort(), config.ingestorPort(), config.projectorPort(), config.agentUsagePort(),
                config.projectorStateDir(), config.agentUsageStateDir(), config.projectorApplicationId(),
                config.upstream(), all);
    }
}

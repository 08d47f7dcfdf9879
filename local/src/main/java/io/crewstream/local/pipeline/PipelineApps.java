package io.crewstream.local.pipeline;

import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.agentusage.AgentUsageApplication;
import io.crewstream.ingestor.IngestorApplication;
import io.crewstream.local.apps.EmbeddedApp;
import io.crewstream.projector.ProjectorApplication;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.ssegateway.SseGatewayApplication;

/**
 * The crewstream apps of a local pipeline, each configured through its public properties as an operator would:
 * the shared ones ({@code crewstream.kafka.*}) alike for all, and each app's own ({@code crewstream.ingestor.*},
 * {@code crewstream.projector.*}, {@code crewstream.agent-usage.*}, {@code crewstream.sse.*}).
 */
public final class PipelineApps {

    /** Static membership: a restarted projector takes its partitions back at once instead of after 45 s. */
    static final String PROJECTOR_INSTANCE_ID = "local";

    /** The agent-usage app's Kafka Streams application id, behind the run's topic prefix (tests share a cluster). */
    static final String AGENT_USAGE_APPLICATION_ID = "crewstream-agent-usage";

    /**
     * The SSE gateway brings Spring Security onto the one class path the apps share here; the ingestor and the
     * projector, which serve only their actuators and know nothing of it, would otherwise lock those behind a
     * generated password. Run alone, they do not have it on their class path at all.
     */
    static final String WITHOUT_SPRING_SECURITY = String.join(",",
            "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.servlet.SecurityFilterAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.servlet.ManagementWebSecurityAutoConfiguration");

    private PipelineApps() {
    }

    public static EmbeddedApp ingestor(PipelineConfig config) {
        Map<String, String> settings = common(config, config.ingestorPort());
        settings.put("spring.autoconfigure.exclude", WITHOUT_SPRING_SECURITY);
        settings.put("crewstream.ingestor.kafka.raw-frames-partitions", Integer.toString(config.partitions()));
        if (config.upstream() != null) {
            settings.put("crewstream.ingestor.upstreams[0].id", config.upstream().id());
            settings.put("crewstream.ingestor.upstreams[0].url", config.upstream().url().toString());
            settings.put("crewstream.ingestor.upstreams[0].token-file", config.upstream().tokenFile().toString());
        }
        return new EmbeddedApp("ingestor", IngestorApplication.class, settings);
    }

    public static EmbeddedApp projector(PipelineConfig config) {
        Map<String, String> settings = common(config, config.projectorPort());
        settings.put("spring.autoconfigure.exclude", WITHOUT_SPRING_SECURITY);
        settings.put("crewstream.projector.application-id", config.projectorApplicationId());
        settings.put("crewstream.projector.instance-id", PROJECTOR_INSTANCE_ID);
        settings.put("crewstream.projector.state-dir", config.projectorStateDir().toString());
        return new EmbeddedApp("projector", ProjectorApplication.class, settings);
    }

    /** The analytics example, as a team other than ours would run it: on the public topics only. */
    public static EmbeddedApp agentUsage(PipelineConfig config) {
        Map<String, String> settings = common(config, config.agentUsagePort());
        settings.put("spring.autoconfigure.exclude", WITHOUT_SPRING_SECURITY);
        settings.put("crewstream.agent-usage.application-id", config.namespace().prefix() + AGENT_USAGE_APPLICATION_ID);
        settings.put("crewstream.agent-usage.instance-id", PROJECTOR_INSTANCE_ID);
        settings.put("crewstream.agent-usage.state-dir", config.agentUsageStateDir().toString());
        return new EmbeddedApp("agent-usage", AgentUsageApplication.class, settings);
    }

    public static EmbeddedApp sseGateway(PipelineConfig config) {
        Map<String, String> settings = common(config, config.dashboardPort());
        // WebFlux on Reactor Netty, as when it runs alone: here the servlet stack of the other apps is on the class
        // path too, and would otherwise be chosen.
        settings.put("spring.main.web-application-type", "reactive");
        return new EmbeddedApp("sse-gateway", SseGatewayApplication.class, settings);
    }

    private static Map<String, String> common(PipelineConfig config, int port) {
        Map<String, String> settings = new LinkedHashMap<>(config.extraSettings());
        // The settings every app shares, the same for all of them: one cluster, one namespace, one partition count.
        settings.put(KafkaSettings.PREFIX + ".bootstrap-servers", config.bootstrapServers());
        settings.put(KafkaSettings.PREFIX + ".topic-prefix", config.namespace().prefix());
        settings.put(KafkaSettings.PREFIX + ".partitions", Integer.toString(config.partitions()));
        settings.put("server.port", Integer.toString(port));
        // A laptop run serves its owner: the dashboard and the actuators have no authentication, so loopback only.
        settings.put("server.address", "127.0.0.1");
        return settings;
    }
}

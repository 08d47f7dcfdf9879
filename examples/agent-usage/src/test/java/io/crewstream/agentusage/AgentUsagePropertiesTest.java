package io.crewstream.agentusage;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The property names operators set, their defaults, and the settings refused at start. The shared Kafka settings
 * ({@code crewstream.kafka.*}) are {@code KafkaSettingsTest}'s, in the app runtime.
 */
class AgentUsagePropertiesTest {

    @Test
    void everySettingHasADefault() {
        AgentUsageProperties properties = bind(Map.of());

        assertThat(properties.applicationId()).isEqualTo("crewstream-agent-usage");
        assertThat(properties.instanceId()).isEmpty();
        assertThat(properties.processingGuarantee()).isEqualTo("exactly_once_v2");
        assertThat(properties.commitInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(properties.stateDir()).isEqualTo(Path.of(System.getProperty("java.io.tmpdir"),
                "crewstream-agent-usage"));
        assertThat(properties.streamThreads()).isEqualTo(1);
        assertThat(properties.grace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(properties.closeTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.provisioningTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(properties.streamsProperties()).isEmpty();
    }

    @Test
    void propertiesAreBoundFromTheirKebabCaseNames() {
        AgentUsageProperties properties = bind(Map.ofEntries(
                Map.entry("crewstream.agent-usage.application-id", "usage-2"),
                Map.entry("crewstream.agent-usage.instance-id", "pod-1"),
                Map.entry("crewstream.agent-usage.processing-guarantee", "at_least_once"),
                Map.entry("crewstream.agent-usage.commit-interval", "250ms"),
                Map.entry("crewstream.agent-usage.state-dir", "/var/lib/usage"),
                Map.entry("crewstream.agent-usage.stream-threads", "2"),
                Map.entry("crewstream.agent-usage.grace", "5m"),
                Map.entry("crewstream.agent-usage.close-timeout", "10s"),
                Map.entry("crewstream.agent-usage.provisioning-timeout", "20s"),
                Map.entry("crewstream.agent-usage.stall-timeout", "90s"),
                Map.entry("crewstream.agent-usage.streams-properties[producer.linger.ms]", "0")));

        assertThat(properties).isEqualTo(new AgentUsageProperties("usage-2", "pod-1", "at_least_once", Duration.ofMillis(250), Path.of("/var/lib/usage"), 2,
                Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(90),
                Map.of("producer.linger.ms", "0")));
    }

    @Test
    void aNegativeGraceIsRefusedNamingTheProperty() {
        assertThatThrownBy(() -> bind(Map.of("crewstream.agent-usage.grace", "-1s")))
                .isInstanceOf(BindException.class)
                .rootCause().hasMessageContaining("crewstream.agent-usage.grace must not be negative");
    }

    private static AgentUsageProperties bind(Map<String, String> properties) {
        return new Binder(new MapConfigurationPropertySource(properties))
                .bindOrCreate("crewstream.agent-usage", AgentUsageProperties.class);
    }
}

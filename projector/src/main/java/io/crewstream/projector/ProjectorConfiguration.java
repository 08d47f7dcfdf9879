package io.crewstream.projector;

import io.crewstream.projector.streams.ProjectorHealthIndicator;
import io.crewstream.projector.streams.ProjectorStreams;
import io.crewstream.projector.topology.DiscardedSnapshots;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProjectorProperties.class)
class ProjectorConfiguration {

    @Bean
    DiscardedSnapshots discardedSnapshots(MeterRegistry meterRegistry) {
        return new DiscardedSnapshots(meterRegistry);
    }

    @Bean
    ProjectorStreams projectorStreams(ProjectorProperties properties, DiscardedSnapshots discardedSnapshots) {
        return new ProjectorStreams(properties, discardedSnapshots);
    }

    /** Shown as {@code projector} in {@code /actuator/health}. */
    @Bean
    ProjectorHealthIndicator projectorHealthIndicator(ProjectorStreams projectorStreams,
            DiscardedSnapshots discardedSnapshots) {
        return new ProjectorHealthIndicator(projectorStreams, discardedSnapshots);
    }
}

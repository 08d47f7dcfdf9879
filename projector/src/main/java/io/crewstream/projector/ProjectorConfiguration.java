package io.crewstream.projector;

import io.crewstream.projector.streams.ProjectorHealthIndicator;
import io.crewstream.projector.streams.ProjectorStreams;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ProjectorProperties.class)
class ProjectorConfiguration {

    @Bean
    ProjectorStreams projectorStreams(ProjectorProperties properties) {
        return new ProjectorStreams(properties);
    }

    /** Shown as {@code projector} in {@code /actuator/health}. */
    @Bean
    ProjectorHealthIndicator projectorHealthIndicator(ProjectorStreams projectorStreams) {
        return new ProjectorHealthIndicator(projectorStreams);
    }
}

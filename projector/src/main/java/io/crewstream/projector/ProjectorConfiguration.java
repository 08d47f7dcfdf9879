package io.crewstream.projector;

import java.time.Clock;

import io.crewstream.projector.streams.ProjectorHealthIndicator;
import io.crewstream.projector.streams.ProjectorStreams;
import io.crewstream.projector.topology.DiscardedSnapshots;
import io.crewstream.projector.topology.OwnerChanges;
import io.crewstream.projector.topology.SessionVerifications;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.streams.ProgressMonitor;
import io.crewstream.streams.ThreadFailures;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ ProjectorProperties.class, KafkaSettings.class })
class ProjectorConfiguration {

    @Bean
    DiscardedSnapshots discardedSnapshots(MeterRegistry meterRegistry) {
        return new DiscardedSnapshots(meterRegistry);
    }

    @Bean
    SessionVerifications sessionVerifications(MeterRegistry meterRegistry) {
        return new SessionVerifications(meterRegistry);
    }

    @Bean
    OwnerChanges ownerChanges(MeterRegistry meterRegistry) {
        return new OwnerChanges(meterRegistry);
    }

    @Bean
    Clock projectorClock() {
        return Clock.systemUTC();
    }

    @Bean
    ThreadFailures threadFailures(Clock projectorClock) {
        return new ThreadFailures(projectorClock);
    }

    @Bean
    ProjectorStreams projectorStreams(ProjectorProperties properties, KafkaSettings kafka,
            DiscardedSnapshots discardedSnapshots, SessionVerifications sessionVerifications,
            OwnerChanges ownerChanges, ThreadFailures threadFailures) {
        return new ProjectorStreams(properties, kafka, discardedSnapshots, sessionVerifications, ownerChanges,
                threadFailures);
    }

    @Bean
    ProgressMonitor progressMonitor(ProjectorProperties properties, KafkaSettings kafka,
            ProjectorStreams projectorStreams, ThreadFailures threadFailures, Clock projectorClock) {
        return new ProgressMonitor(properties, kafka, projectorStreams, threadFailures, projectorClock);
    }

    /** Shown as {@code projector} in {@code /actuator/health}. */
    @Bean
    ProjectorHealthIndicator projectorHealthIndicator(ProjectorStreams projectorStreams,
            DiscardedSnapshots discardedSnapshots, ProgressMonitor progressMonitor, ThreadFailures threadFailures) {
        return new ProjectorHealthIndicator(projectorStreams, discardedSnapshots, progressMonitor, threadFailures);
    }
}

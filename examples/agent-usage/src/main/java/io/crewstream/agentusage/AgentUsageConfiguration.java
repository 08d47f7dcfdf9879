package io.crewstream.agentusage;

import java.time.Clock;

import io.crewstream.agentusage.streams.AgentUsageHealthIndicator;
import io.crewstream.agentusage.streams.UsageStreams;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.streams.ProgressMonitor;
import io.crewstream.streams.ThreadFailures;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ AgentUsageProperties.class, KafkaSettings.class })
class AgentUsageConfiguration {

    @Bean
    Clock agentUsageClock() {
        return Clock.systemUTC();
    }

    @Bean
    ThreadFailures threadFailures(Clock agentUsageClock) {
        return new ThreadFailures(agentUsageClock);
    }

    @Bean
    UsageStreams usageStreams(AgentUsageProperties properties, KafkaSettings kafka, ThreadFailures threadFailures) {
        return new UsageStreams(properties, kafka, threadFailures);
    }

    @Bean
    ProgressMonitor progressMonitor(AgentUsageProperties properties, KafkaSettings kafka, UsageStreams usageStreams,
            ThreadFailures threadFailures, Clock agentUsageClock) {
        return new ProgressMonitor(properties, kafka, usageStreams, threadFailures, agentUsageClock);
    }

    /** Shown as {@code agentUsage} in {@code /actuator/health}. */
    @Bean
    AgentUsageHealthIndicator agentUsageHealthIndicator(UsageStreams usageStreams, ProgressMonitor progressMonitor) {
        return new AgentUsageHealthIndicator(usageStreams, progressMonitor);
    }
}

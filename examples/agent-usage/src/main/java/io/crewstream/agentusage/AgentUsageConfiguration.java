package io.crewstream.agentusage;

import java.time.Clock;

import io.crewstream.agentusage.streams.AgentUsageHealthIndicator;
import io.crewstream.agentusage.streams.UsageStreams;
import io.crewstream.streams.ThreadFailures;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentUsageProperties.class)
class AgentUsageConfiguration {

    /** On the system clock: here it only dates stream-thread failures. */
    @Bean
    ThreadFailures threadFailures() {
        return new ThreadFailures(Clock.systemUTC());
    }

    @Bean
    UsageStreams usageStreams(AgentUsageProperties properties, ThreadFailures threadFailures) {
        return new UsageStreams(properties, threadFailures);
    }

    /** Shown as {@code agentUsage} in {@code /actuator/health}. */
    @Bean
    AgentUsageHealthIndicator agentUsageHealthIndicator(UsageStreams usageStreams) {
        return new AgentUsageHealthIndicator(usageStreams);
    }
}

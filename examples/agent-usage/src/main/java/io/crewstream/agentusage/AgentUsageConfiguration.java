package io.crewstream.agentusage;

import io.crewstream.agentusage.streams.AgentUsageHealthIndicator;
import io.crewstream.agentusage.streams.UsageStreams;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AgentUsageProperties.class)
class AgentUsageConfiguration {

    @Bean
    UsageStreams usageStreams(AgentUsageProperties properties) {
        return new UsageStreams(properties);
    }

    /** Shown as {@code agentUsage} in {@code /actuator/health}. */
    @Bean
    AgentUsageHealthIndicator agentUsageHealthIndicator(UsageStreams usageStreams) {
        return new AgentUsageHealthIndicator(usageStreams);
    }
}

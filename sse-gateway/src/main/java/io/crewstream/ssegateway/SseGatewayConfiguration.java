package io.crewstream.ssegateway;

import io.crewstream.schemas.TopicNamespace;
import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.state.TableHealthIndicator;
import io.crewstream.ssegateway.state.TableReader;
import io.crewstream.ssegateway.stream.ClientRegistry;
import io.crewstream.ssegateway.stream.EventStreamServlet;
import io.crewstream.ssegateway.stream.EventStreams;
import io.crewstream.ssegateway.stream.RefreshCache;
import io.crewstream.ssegateway.stream.StreamMetrics;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.tomcat.TomcatConnectorCustomizer;
import org.springframework.boot.web.servlet.ServletRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires the table (state) and the browser streams (stream); the HTTP edge is {@code ApiSecurityConfiguration}. */
@Configuration(proxyBeanMethods = false)
class SseGatewayConfiguration {

    @Bean
    RefreshCache refreshCache() {
        return new RefreshCache();
    }

    @Bean
    ClientRegistry clientRegistry(SseGatewayProperties properties, RefreshCache refreshCache) {
        return new ClientRegistry(properties.clientQueueSize(), refreshCache);
    }

    @Bean
    SessionTable sessionTable(ClientRegistry clientRegistry, SseGatewayProperties properties) {
        return new SessionTable(clientRegistry, properties.changeLogSize());
    }

    @Bean
    TableReader tableReader(SessionTable sessionTable, SseGatewayProperties properties, MeterRegistry meters) {
        return new TableReader(sessionTable, new TopicNamespace(properties.topicPrefix()),
                properties.bootstrapServers(), properties.clientId(), meters);
    }

    /** Named so that the readiness group can include it as {@code sessionTable}. */
    @Bean
    TableHealthIndicator sessionTableHealthIndicator(SessionTable sessionTable, TableReader tableReader) {
        return new TableHealthIndicator(sessionTable, tableReader);
    }

    @Bean
    StreamMetrics streamMetrics(MeterRegistry meters, ClientRegistry clientRegistry) {
        return new StreamMetrics(meters, clientRegistry::size);
    }

    @Bean
    EventStreams eventStreams(SessionTable sessionTable, ClientRegistry clientRegistry, StreamMetrics streamMetrics,
            SseGatewayProperties properties) {
        return new EventStreams(sessionTable, clientRegistry, streamMetrics, properties);
    }

    @Bean
    ServletRegistrationBean<EventStreamServlet> eventStreamServlet(EventStreams eventStreams) {
        ServletRegistrationBean<EventStreamServlet> registration = new ServletRegistrationBean<>(
                new EventStreamServlet(eventStreams), EventStreamServlet.PATH);
        registration.setAsyncSupported(true);
        return registration;
    }

    /**
     * Smaller per-connection buffers: Tomcat allocates about 105 KB of heap per open stream (a class histogram of a
     * gateway holding 19,000 idle streams; see BENCHMARKS.md), 16 KB of it read buffers that an event stream, which
     * reads one small GET and then only writes, never fills.
     */
    @Bean
    TomcatConnectorCustomizer streamConnectionBuffers() {
        return connector -> {
            // Read buffer (counted twice: the socket's, and Coyote's header buffer adds its size): 8 KB -> 2 KB.
            if (!connector.setProperty("socket.appReadBufSize", "2048")) {
                throw new IllegalStateException("Tomcat refused socket.appReadBufSize");
            }
        };
    }
}

package io.crewstream.ssegateway;

import java.time.Clock;
import java.time.Duration;

import io.crewstream.runtime.KafkaSettings;
import io.crewstream.ssegateway.api.ConnectionAdmission;
import io.crewstream.ssegateway.api.ConnectionsPerAddress;
import io.crewstream.ssegateway.api.MalformedRequests;
import io.crewstream.ssegateway.api.RequestHeadTimeout;
import io.crewstream.ssegateway.security.ApiSecurityConfiguration;
import io.crewstream.ssegateway.state.Freshness;
import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.state.TableHealthIndicator;
import io.crewstream.ssegateway.state.TableReader;
import io.crewstream.ssegateway.stream.ClientRegistry;
import io.crewstream.ssegateway.stream.EventStreamController;
import io.crewstream.ssegateway.stream.EventStreams;
import io.crewstream.ssegateway.stream.Keepalive;
import io.crewstream.ssegateway.stream.PipelineWatch;
import io.crewstream.ssegateway.stream.RefreshCache;
import io.crewstream.ssegateway.stream.StreamMetrics;
import io.crewstream.ssegateway.stream.StreamsPerSubject;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationPredicate;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import reactor.netty.resources.LoopResources;

import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.client.ReactorResourceFactory;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.scheduling.concurrent.ThreadPoolTaskExecutor;

/**
 * Wires the table (state), the browser streams (stream) and the event-loop transport they run on; the HTTP edge is
 * {@code ApiSecurityConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class SseGatewayConfiguration {

    /** At most one line per client address this often about the connections it was refused. */
    private static final Duration REFUSAL_LOG_INTERVAL = Duration.ofMinutes(1);

    @Bean
    RefreshCache refreshCache() {
        return new RefreshCache();
    }

    @Bean
    ClientRegistry clientRegistry(SseGatewayProperties properties, RefreshCache refreshCache, Clock clock) {
        return new ClientRegistry(properties.clientQueueSize(), refreshCache,
                new Keepalive(properties.heartbeat().toMillis(), properties.slowClientTimeout().toMillis()),
                clock);
    }

    @Bean
    SessionTable sessionTable(ClientRegistry clientRegistry, SseGatewayProperties properties, Clock clock) {
        return new SessionTable(clientRegistry, properties.changeLogSize(), clock);
    }

    @Bean
    TableReader tableReader(SessionTable sessionTable, SseGatewayProperties properties, KafkaSettings kafka,
            MeterRegistry meters, Clock clock) {
        return new TableReader(sessionTable, kafka.namespace(), kafka.bootstrapServers(), properties.clientId(),
                meters, clock);
    }

    @Bean
    PipelineWatch pipelineWatch(SessionTable sessionTable, TableReader tableReader, ClientRegistry clientRegistry,
            SseGatewayProperties properties, Clock clock, MeterRegistry meters) {
        return new PipelineWatch(sessionTable, tableReader, clientRegistry, new Freshness(properties.pauseAfter()),
                clock, meters);
    }

    /** Named so that the readiness group can include it as {@code sessionTable}. */
    @Bean
    TableHealthIndicator sessionTableHealthIndicator(SessionTable sessionTable, TableReader tableReader,
            SseGatewayProperties properties) {
        return new TableHealthIndicator(sessionTable, tableReader, !properties.auth().enabled());
    }

    @Bean
    StreamMetrics streamMetrics(MeterRegistry meters, ClientRegistry clientRegistry) {
        return new StreamMetrics(meters, clientRegistry::size);
    }

    /**
     * Open streams per subject ({@code auth.max-streams-per-subject}); not counted with authentication off, where
     * every caller is the same anonymous one (the per-address limit still applies).
     */
    @Bean
    StreamsPerSubject streamsPerSubject(SseGatewayProperties properties, Clock clock) {
        return new StreamsPerSubject(properties.auth().enabled() ? properties.auth().maxStreamsPerSubject() : 0,
                clock);
    }

    @Bean
    EventStreams eventStreams(SessionTable sessionTable, ClientRegistry clientRegistry, StreamMetrics streamMetrics,
            SseGatewayProperties properties, Clock clock, StreamsPerSubject streamsPerSubject) {
        return new EventStreams(sessionTable, clientRegistry, streamMetrics, properties, clock, streamsPerSubject);
    }

    /**
     * The pool the blocking API handlers run on ({@code BlockingHandlers}): as many threads as may usefully wait, the
     * replay questions being bounded separately ({@code ReplayGate}).
     */
    @Bean
    ThreadPoolTaskExecutor blockingHandlerExecutor() {
        ThreadPoolTaskExecutor executor = new ThreadPoolTaskExecutor();
        executor.setThreadNamePrefix("sse-api-");
        executor.setCorePoolSize(32);
        executor.setMaxPoolSize(32);
        executor.setAllowCoreThreadTimeOut(true);
        return executor;
    }

    /**
     * The event loops HTTP and the streams run on, this application's own: one per core by default (each stream's
     * writes stay on its connection's loop, so more loops than cores only adds switching), native epoll where it
     * loads. Not Reactor Netty's global loops, which every server in the JVM would share and the first context to
     * close would dispose of (tests and the local run start several applications in one JVM).
     */
    @Bean
    ReactorResourceFactory reactorResourceFactory(SseGatewayProperties properties) {
        ReactorResourceFactory resources = new ReactorResourceFactory();
        resources.setUseGlobalResources(false);
        resources.setLoopResourcesSupplier(() -> LoopResources.create("sse-http", 1, properties.eventLoopCount(),
                true));
        // Open streams are closed before the loops stop (EventStreams.stop): nothing is left to wait for.
        resources.setShutdownQuietPeriod(Duration.ofMillis(100));
        return resources;
    }

    /**
     * No observation of an event stream: a stream lasts as long as its browser stays, so an {@code http.server.requests}
     * timer of it says nothing, and its observation, with Spring Security's per-filter ones (switched off in
     * {@code application.yml}), stays in memory for the stream's whole life, several KB per idle stream. The streams
     * have their own metrics ({@link StreamMetrics}).
     */
    @Bean
    ObservationPredicate noObservationOfEventStreams() {
        return (name, context) -> !(context instanceof ServerRequestObservationContext request
                && EventStreamController.PATH.equals(request.getCarrier().getPath().value()));
    }

    /** Open connections per client address, and the limit on them ({@code max-connections-per-address}). */
    @Bean
    ConnectionsPerAddress connectionsPerAddress(SseGatewayProperties properties, Clock clock) {
        return new ConnectionsPerAddress(properties.maxConnectionsPerAddress(), REFUSAL_LOG_INTERVAL, clock);
    }

    /**
     * The transport settings event streams rely on: TCP_NODELAY (an event is small and
     * should leave at once), water marks that make a stream "unwritable" once 64 KiB wait in its channel (its events
     * then wait, conflated, in its queue) and writable again below 32 KiB, and malformed requests answered in the
     * API's error shape ({@link MalformedRequests}). And what keeps half-open connections from starving real clients:
     * at most {@code max-connections-per-address} per client address ({@link ConnectionAdmission}), and no more than
     * {@code request-head-timeout} to send a request head ({@link RequestHeadTimeout}).
     */
    @Bean
    NettyServerCustomizer eventStreamTransport(MeterRegistry meters, SseGatewayProperties properties,
            ConnectionsPerAddress connectionsPerAddress) {
        Counter malformed = meters.counter(ApiSecurityConfiguration.REJECTED_METRIC, "reason", "malformed");
        Counter headTimeouts = meters.counter(ApiSecurityConfiguration.REJECTED_METRIC, "reason",
                "request-head-timeout");
        long headTimeoutMillis = properties.requestHeadTimeout().toMillis();
        ConnectionAdmission admission = new ConnectionAdmission(connectionsPerAddress, REFUSAL_LOG_INTERVAL,
                meters.counter(ApiSecurityConfiguration.REJECTED_METRIC, "reason", "connections-per-address"));
        return server -> server.childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .doOnChannelInit((observer, channel, remoteAddress) -> {
                    if (!admission.admit(channel)) {
                        return;
                    }
                    MalformedRequests.install(channel.pipeline(), malformed);
                    // After MalformedRequests is in: this goes between it and the codec, and so sees its answers.
                    RequestHeadTimeout.install(channel.pipeline(), headTimeoutMillis, headTimeouts);
                });
    }
}

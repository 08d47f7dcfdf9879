package io.crewstream.ingestor;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.ingestor.config.IngestorConfigValidator;
import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.LocalOpenClaw;
import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.health.OwnershipHealthIndicator;
import io.crewstream.ingestor.health.PublishingHealthIndicator;
import io.crewstream.ingestor.health.UpstreamHealthIndicator;
import io.crewstream.ingestor.ownership.GatewayOwnership;
import io.crewstream.ingestor.ownership.UnfencedGatewayWriters;
import io.crewstream.ingestor.publish.GatewayWriters;
import io.crewstream.ingestor.publish.InputTopics;
import io.crewstream.ingestor.publish.KafkaUpstreamOutput;
import io.crewstream.ingestor.publish.ProducerSettings;
import io.crewstream.ingestor.publish.PublishHealth;
import io.crewstream.ingestor.publish.RecordSender;
import io.crewstream.ingestor.publish.SnapshotChunker;
import io.crewstream.ingestor.requests.SnapshotRequestListener;
import io.crewstream.ingestor.upstream.UpstreamSupervisor;
import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.TopicNamespace;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The ingestor's parts, wired once; every class they are made of takes its collaborators by constructor. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties({ IngestorProperties.class, KafkaSettings.class })
class IngestorConfiguration {

    private static final Logger log = LoggerFactory.getLogger(IngestorConfiguration.class);

    /**
     * Validated before anything connects: a bad configuration stops start-up with every problem listed. Then one
     * line per upstream says where its address and token came from (crewstream's settings or the local OpenClaw's
     * own configuration), never the token.
     */
    @Bean
    List<UpstreamTarget> upstreamTargets(IngestorProperties properties) {
        LocalOpenClaw openClaw = LocalOpenClaw.of(System::getenv, Path.of(System.getProperty("user.home")));
        List<UpstreamTarget> targets = new IngestorConfigValidator(System::getenv, openClaw).validate(properties);
        openClaw.configProblem().ifPresent(log::warn);
        for (UpstreamTarget target : targets) {
            log.info("Upstream '{}': {}", target.id(), target.origin());
        }
        return targets;
    }

    @Bean
    Clock ingestorClock() {
        return Clock.systemUTC();
    }

    @Bean
    TopicNamespace topicNamespace(KafkaSettings kafka) {
        return kafka.namespace();
    }

    @Bean
    PublishHealth publishHealth(Clock ingestorClock) {
        return new PublishHealth(ingestorClock);
    }

    /** Takes the validated upstreams only so that a bad configuration fails before any Kafka client starts. */
    @Bean
    RecordSender recordSender(IngestorProperties properties, KafkaSettings kafka, TopicNamespace topicNamespace,
            PublishHealth publishHealth, MeterRegistry registry, List<UpstreamTarget> upstreamTargets) {
        Map<String, Object> config = ProducerSettings.of(kafka, properties.kafka());
        return new RecordSender(new KafkaProducer<>(config), topicNamespace, publishHealth,
                properties.kafka().maxPendingRecords(), registry);
    }

    @Bean
    KafkaUpstreamOutput upstreamOutput(RecordSender recordSender, IngestorProperties properties) {
        return new KafkaUpstreamOutput(recordSender,
                new SnapshotChunker(properties.kafka().snapshotChunkBytes(), properties.kafka().maxRecordBytes()),
                properties.kafka().maxRecordBytes());
    }

    @Bean
    HttpClient gatewayHttpClient(IngestorProperties properties) {
        return HttpClient.newBuilder().connectTimeout(properties.connection().connectTimeout()).build();
    }

    @Bean
    UpstreamSupervisors upstreamSupervisors(List<UpstreamTarget> upstreamTargets, IngestorProperties properties,
            HttpClient gatewayHttpClient, KafkaUpstreamOutput upstreamOutput, MeterRegistry registry,
            Clock ingestorClock) {
        String version = IngestorApplication.class.getPackage().getImplementationVersion();
        return new UpstreamSupervisors(upstreamTargets, properties.connection(), properties.activitySummaries(),
                gatewayHttpClient, upstreamOutput, registry, version != null ? version : "dev", ingestorClock);
    }

    @Bean
    SnapshotRequestListener snapshotRequestListener(KafkaSettings kafka, TopicNamespace topicNamespace,
            UpstreamSupervisors upstreamSupervisors, MeterRegistry registry, Clock ingestorClock) {
        return new SnapshotRequestListener(kafka.bootstrapServers(), topicNamespace, upstreamSupervisors, registry,
                ingestorClock);
    }

    @Bean
    InputTopics inputTopics(IngestorProperties properties, KafkaSettings kafka) {
        return new InputTopics(kafka, properties.kafka());
    }

    /** TEMPORARY (issue #17 merge): the fenced-publishing branch's RecordSender is the GatewayWriters bean. */
    @Bean
    GatewayWriters gatewayWriters() {
        return new UnfencedGatewayWriters();
    }

    @Bean
    GatewayOwnership gatewayOwnership(IngestorProperties properties, KafkaSettings kafka,
            UpstreamSupervisors upstreamSupervisors, GatewayWriters gatewayWriters, MeterRegistry registry,
            Clock ingestorClock) {
        return new GatewayOwnership(kafka, properties.ownership(), properties.kafka().createTopics(),
                properties.instanceId(), upstreamSupervisors, gatewayWriters, registry, ingestorClock);
    }

    @Bean
    IngestorLifecycle ingestorLifecycle(RecordSender recordSender, InputTopics inputTopics,
            UpstreamSupervisors upstreamSupervisors, GatewayOwnership gatewayOwnership, PublishHealth publishHealth,
            SnapshotRequestListener snapshotRequestListener) {
        return new IngestorLifecycle(recordSender, inputTopics, upstreamSupervisors, gatewayOwnership, publishHealth,
                snapshotRequestListener);
    }

    /** {@code /actuator/health/upstreams/<id>}: one entry per connection. */
    @Bean
    CompositeHealthContributor upstreams(UpstreamSupervisors upstreamSupervisors, GatewayOwnership gatewayOwnership) {
        Map<String, UpstreamHealthIndicator> indicators = new LinkedHashMap<>();
        for (UpstreamSupervisor supervisor : upstreamSupervisors.all()) {
            indicators.put(supervisor.connectionId(),
                    new UpstreamHealthIndicator(supervisor, gatewayOwnership::ownedHere));
        }
        return CompositeHealthContributor.fromMap(indicators);
    }

    /** {@code /actuator/health/ownership}: which gateways this instance owns. */
    @Bean
    OwnershipHealthIndicator ownership(GatewayOwnership gatewayOwnership) {
        return new OwnershipHealthIndicator(gatewayOwnership);
    }

    @Bean
    PublishingHealthIndicator publishing(PublishHealth publishHealth) {
        return new PublishingHealthIndicator(publishHealth);
    }
}

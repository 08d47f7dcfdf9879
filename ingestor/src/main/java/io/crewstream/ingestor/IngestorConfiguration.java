package io.crewstream.ingestor;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.ingestor.config.IngestorConfigValidator;
import io.crewstream.ingestor.config.InstanceId;
import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.config.LocalOpenClaw;
import io.crewstream.ingestor.config.UpstreamTarget;
import io.crewstream.ingestor.health.OwnershipHealthIndicator;
import io.crewstream.ingestor.health.PublishingHealthIndicator;
import io.crewstream.ingestor.health.UpstreamHealthIndicator;
import io.crewstream.ingestor.ownership.GatewayOwnership;
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

    /** Resolved once: the default (host name and process id) must be the same wherever this instance names itself. */
    @Bean
    InstanceId instanceId(IngestorProperties properties, List<UpstreamTarget> upstreamTargets) {
        InstanceId id = InstanceId.of(properties);
        log.info("This ingestor instance is '{}'", id);
        return id;
    }

    /**
     * Takes the validated upstreams (through the instance id) so that a bad configuration fails before any Kafka
     * client starts. Makes one transactional producer per gateway when the gateway's writer is opened.
     */
    @Bean
    RecordSender recordSender(IngestorProperties properties, KafkaSettings kafka, TopicNamespace topicNamespace,
            PublishHealth publishHealth, MeterRegistry registry, InstanceId instanceId, Clock ingestorClock) {
        return new RecordSender(
                connectionId -> new KafkaProducer<>(ProducerSettings.of(kafka, properties.kafka(), connectionId)),
                topicNamespace, publishHealth, properties.kafka().maxPendingRecords(), instanceId.value(), registry,
                ingestorClock);
    }

    @Bean
    KafkaUpstreamOutput upstreamOutput(RecordSender recordSender, IngestorProperties properties,
            InstanceId instanceId) {
        return new KafkaUpstreamOutput(recordSender,
                new SnapshotChunker(properties.kafka().snapshotChunkBytes(), properties.kafka().maxRecordBytes()),
                properties.kafka().maxRecordBytes(), instanceId.value());
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

    @Bean
    GatewayOwnership gatewayOwnership(IngestorProperties properties, KafkaSettings kafka,
            UpstreamSupervisors upstreamSupervisors, RecordSender recordSender, InstanceId instanceId,
            MeterRegistry registry, Clock ingestorClock) {
        return new GatewayOwnership(kafka, properties.ownership(), properties.kafka().createTopics(),
                instanceId.value(), upstreamSupervisors, recordSender, registry, ingestorClock);
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

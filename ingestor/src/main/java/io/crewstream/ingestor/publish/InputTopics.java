package io.crewstream.ingestor.publish;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the ingestor's three output topics when they are missing (unless {@code create-topics} is off), with the
 * configuration {@link Topic} defines.
 * Failure is not fatal (the ingestor keeps its gateways connected and reports degraded publishing), but it is said
 * clearly. Also warns when session-events and connection-status have different partition counts, which breaks the
 * projector's per-connection join.
 */
public final class InputTopics {

    private static final Logger log = LoggerFactory.getLogger(InputTopics.class);
    private static final long TIMEOUT_SECONDS = 15;

    private final IngestorProperties.Kafka kafka;
    private final TopicNamespace namespace;

    public InputTopics(IngestorProperties.Kafka kafka, TopicNamespace namespace) {
        this.kafka = kafka;
        this.namespace = namespace;
    }

    public void ensureExist() {
        List<NewTopic> topics = List.of(
                Topic.SESSION_EVENTS.newTopic(this.namespace, this.kafka.partitions(), this.kafka.replicationFactor()),
                Topic.CONNECTION_STATUS.newTopic(this.namespace, this.kafka.partitions(),
                        this.kafka.replicationFactor()),
                Topic.RAW_FRAMES.newTopic(this.namespace, this.kafka.rawFramesPartitions(),
                        this.kafka.replicationFactor()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                this.kafka.bootstrapServers(), AdminClientConfig.CLIENT_ID_CONFIG, "crewstream-ingestor-admin",
                // Start-up waits for this at most; the default (60 s) would hold the gateways back a minute.
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)))) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            if (this.kafka.createTopics()) {
                Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
                for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
                    create(result.getKey(), result.getValue(), deadline);
                }
            }
            checkPartitionCounts(admin, deadline);
        }
        catch (RuntimeException ex) {
            log.error("Could not check or create the output topics on {}: {}", this.kafka.bootstrapServers(),
                    ex.toString());
        }
    }

    private void create(String topic, KafkaFuture<Void> result, long deadline) {
        try {
            result.get(remaining(deadline), TimeUnit.NANOSECONDS);
            log.info("Created topic {}", topic);
        }
        catch (ExecutionException ex) {
            if (ex.getCause() instanceof TopicExistsException) {
                log.debug("Topic {} exists", topic);
            }
            else {
                log.error("Could not create topic {} on {}: {}. Create it as documented in the ingestor README, "
                        + "or publishing to it will fail.", topic, this.kafka.bootstrapServers(),
                        ex.getCause().toString());
            }
        }
        catch (TimeoutException ex) {
            log.error("Could not create topic {}: Kafka at {} did not answer within {} s. If the broker "
                    + "auto-creates topics, the first record will create it with broker defaults instead.", topic,
                    this.kafka.bootstrapServers(), TIMEOUT_SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
    }

    private void checkPartitionCounts(Admin admin, long deadline) {
        String events = this.namespace.name(Topic.SESSION_EVENTS);
        String status = this.namespace.name(Topic.CONNECTION_STATUS);
        try {
            Map<String, TopicDescription> descriptions = admin.describeTopics(List.of(events, status))
                    .allTopicNames().get(remaining(deadline), TimeUnit.NANOSECONDS);
            int eventPartitions = descriptions.get(events).partitions().size();
            int statusPartitions = descriptions.get(status).partitions().size();
            if (eventPartitions != statusPartitions) {
                log.error("{} has {} partitions but {} has {}: they must match, or the projector cannot join a "
                        + "connection's sessions with its status", events, eventPartitions, status, statusPartitions);
            }
        }
        catch (ExecutionException | TimeoutException ex) {
            log.warn("Could not check the partition counts of {} and {} (do they exist?): {}", events, status,
                    ex.toString());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}

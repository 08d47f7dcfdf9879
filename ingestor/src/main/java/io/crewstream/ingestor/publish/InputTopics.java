package io.crewstream.ingestor.publish;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicProvisioning;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the ingestor's six output topics when they are missing (unless {@code create-topics} is off), through
 * {@link TopicProvisioning}. Failure is not fatal (the ingestor keeps its gateways connected and reports degraded
 * publishing), but it is said clearly. Also says so when the topics keyed by connection that the projector reads
 * together (session-events, connection-status, run-events, agent-lists, and session-verifications, whose markers
 * name offsets in the same-numbered session-events partition) have different partition counts, which breaks its
 * per-connection join.
 */
public final class InputTopics {

    private static final Logger log = LoggerFactory.getLogger(InputTopics.class);

    /** Start-up waits for this at most; Kafka's default (60 s) would hold the gateways back a minute. */
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    /** Read together per connection by the projector: they must be co-partitioned. */
    static final List<Topic> JOINED = List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS, Topic.RUN_EVENTS,
            Topic.AGENT_LISTS, Topic.SESSION_VERIFICATIONS);

    private final IngestorProperties.Kafka kafka;
    private final TopicNamespace namespace;

    public InputTopics(IngestorProperties.Kafka kafka, TopicNamespace namespace) {
        this.kafka = kafka;
        this.namespace = namespace;
    }

    public void ensureExist() {
        Admin admin;
        try {
            admin = TopicProvisioning.admin(this.kafka.bootstrapServers(), "crewstream-ingestor-admin", TIMEOUT);
        }
        catch (RuntimeException ex) {
            log.error("Could not check or create the output topics on {}: {}", this.kafka.bootstrapServers(),
                    ex.toString());
            return;
        }
        try {
            // When Kafka did not answer, asking again for the partition counts would only double the wait.
            if (!this.kafka.createTopics() || create(admin)) {
                checkPartitionCounts(admin);
            }
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
        catch (RuntimeException ex) {
            log.error("Could not check or create the output topics on {}: {}", this.kafka.bootstrapServers(),
                    ex.toString());
        }
        finally {
            admin.close(Duration.ZERO);
        }
    }

    /** @return whether Kafka answered */
    private boolean create(Admin admin) throws InterruptedException {
        Map<Topic, Integer> topics = new LinkedHashMap<>();
        JOINED.forEach(topic -> topics.put(topic, this.kafka.partitions()));
        topics.put(Topic.RAW_FRAMES, this.kafka.rawFramesPartitions());
        try {
            TopicProvisioning.createMissing(admin, this.namespace, topics, this.kafka.replication(), TIMEOUT)
                    .forEach(name -> log.info("Created topic {}", name));
            return true;
        }
        catch (ExecutionException ex) {
            log.error("Could not create the output topics on {}: {}. Create them as documented in the ingestor "
                    + "README, or publishing to them will fail.", this.kafka.bootstrapServers(),
                    ex.getCause().toString());
            return !(ex.getCause() instanceof org.apache.kafka.common.errors.TimeoutException);
        }
        catch (TimeoutException ex) {
            log.error("Could not create the output topics: Kafka at {} did not answer within {} s. If the broker "
                    + "auto-creates topics, the first record will create them with broker defaults instead.",
                    this.kafka.bootstrapServers(), TIMEOUT.toSeconds());
            return false;
        }
    }

    private void checkPartitionCounts(Admin admin) throws InterruptedException {
        try {
            Map<String, Integer> counts = TopicProvisioning.partitionCounts(admin, this.namespace, JOINED, TIMEOUT);
            if (counts.values().stream().distinct().count() > 1) {
                log.error("{} must have the same number of partitions, or the projector cannot join a connection's "
                        + "sessions with its status, runs and agents", counts);
            }
        }
        catch (ExecutionException | TimeoutException ex) {
            log.warn("Could not check the partition counts of {} (do they exist?): {}",
                    JOINED.stream().map(this.namespace::name).toList(), ex.toString());
        }
    }
}

package io.crewstream.testsupport.kafka;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A real Kafka broker that integration tests talk to. One per test JVM, shared by every test through
 * {@link KafkaBrokerExtension}; tests isolate themselves with unique topic names ({@link #uniquePrefix}).
 */
public interface KafkaBroker extends AutoCloseable {

    /** How the broker was obtained. */
    enum Mode {
        /** {@code KAFKA_BOOTSTRAP_SERVERS} was set: a cluster someone else runs. */
        EXTERNAL,
        /** A Docker engine was reachable: an {@code apache/kafka} KRaft container. */
        TESTCONTAINERS,
        /** No Docker: a single-node KRaft broker started in this JVM from Kafka's own server jars. */
        IN_PROCESS_KRAFT,
        /** A test's own three-broker KRaft cluster in this JVM ({@link InProcessKafkaCluster}), for broker loss. */
        IN_PROCESS_KRAFT_CLUSTER
    }

    Mode mode();

    String bootstrapServers();

    /** One line saying what this broker is, for the build log. */
    String describe();

    /** Stops the broker if this JVM started it. */
    @Override
    void close();

    /** A topic-name prefix no other test uses, e.g. {@code it-projector-3f2a9c1e.}. */
    default String uniquePrefix(String hint) {
        String safeHint = hint.toLowerCase().replaceAll("[^a-z0-9-]", "-");
        return "it-" + safeHint + "-" + UUID.randomUUID().toString().substring(0, 8) + ".";
    }

    /** Admin client configuration for this broker. */
    default Map<String, Object> adminConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** Creates the topics and waits until the broker has them. */
    default void createTopics(Collection<NewTopic> topics) {
        try (Admin admin = Admin.create(adminConfig())) {
            admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Could not create topics " + topics + " on " + describe(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating topics", ex);
        }
    }

    /** The names of the topics on the broker. */
    default Set<String> topicNames() {
        try (Admin admin = Admin.create(adminConfig())) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Could not list topics on " + describe(), ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while listing topics", ex);
        }
    }
}

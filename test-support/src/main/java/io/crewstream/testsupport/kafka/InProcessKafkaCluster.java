package io.crewstream.testsupport.kafka;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import kafka.server.BrokerServer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.metadata.bootstrap.BootstrapMetadata;
import org.apache.kafka.server.common.Feature;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A KRaft cluster of three brokers and one controller running in this JVM, built from Kafka's own server jars
 * ({@link KafkaClusterTestKit}, which spring-kafka-test's single broker uses too), set up as a production cluster
 * should be: Kafka's own topics (consumer offsets, transaction state) have three replicas and
 * {@code min.insync.replicas} 2. Any broker can be {@linkplain #kill killed} and {@linkplain #restart restarted}
 * while the others go on; the controller is a node of its own, so killing a broker never touches the metadata quorum.
 *
 * <p>Not the shared test broker: a test that kills brokers owns its cluster and closes it.
 *
 * <p>Threading: start, kill, restart and close are called by one thread (the test's); the brokers run on Kafka's own
 * threads.
 */
public final class InProcessKafkaCluster implements KafkaBroker {

    public static final int BROKERS = 3;

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;

    private InProcessKafkaCluster(KafkaClusterTestKit cluster, String bootstrapServers) {
        this.cluster = cluster;
        this.bootstrapServers = bootstrapServers;
    }

    /** Formats and starts the cluster; returns once every broker takes requests. */
    public static InProcessKafkaCluster start() {
        KafkaClusterTestKit cluster;
        try {
            cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder(productionBootstrap())
                    .setCombined(false)
                    .setNumControllerNodes(1)
                    .setNumBrokerNodes(BROKERS)
                    .build())
                    .setConfigProp("offsets.topic.replication.factor", Integer.toString(BROKERS))
                    .setConfigProp("transaction.state.log.replication.factor", Integer.toString(BROKERS))
                    .setConfigProp("transaction.state.log.min.isr", "2")
                    // A production cluster's default, so that the consumer offsets (which take the default) are on
                    // two brokers before a commit counts. crewstream sets it on its own topics anyway, and tests
                    // check that it is the topics' own setting, not this default.
                    .setConfigProp("min.insync.replicas", "2")
                    // kill() is a crash: no leadership handed over first, the controller fences the broker only
                    // when its heartbeats stop (broker.session.timeout.ms), as after kill -9.
                    .setConfigProp("controlled.shutdown.enable", "false")
                    // Tests create many small groups; don't make each new group wait 3 s for others to join.
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while starting the Kafka cluster", ex);
        }
        catch (Exception ex) {
            throw new IllegalStateException("Could not start an in-process Kafka cluster of " + BROKERS
                    + " brokers: " + ex, ex);
        }
        // All brokers, read once: a client must still know the others while one is down.
        return new InProcessKafkaCluster(cluster, cluster.bootstrapServers());
    }

    /**
     * The metadata version and feature levels a new cluster of this Kafka release gets when formatted for
     * production; the test kit's own default is the release's unreleased, testing-only ones.
     */
    private static BootstrapMetadata productionBootstrap() {
        Map<String, Short> features = new TreeMap<>();
        for (Feature feature : Feature.PRODUCTION_FEATURES) {
            features.put(feature.featureName(), feature.defaultLevel(MetadataVersion.LATEST_PRODUCTION));
        }
        return BootstrapMetadata.fromVersions(MetadataVersion.LATEST_PRODUCTION, features, "crewstream test-support");
    }

    /** The node ids of the brokers, running or not. */
    public Set<Integer> brokerIds() {
        return new TreeSet<>(this.cluster.brokers().keySet());
    }

    /**
     * Stops the broker as a crash would: its sockets close at once, it hands no leadership over, and the partitions
     * it led are without a leader until the controller notices it is gone.
     */
    public void kill(int brokerId) {
        broker(brokerId).shutdown();
    }

    /**
     * Starts a killed broker again, on its port and with its data. It then catches up as a follower; a test that
     * needs it back in every ISR waits for that itself.
     */
    public void restart(int brokerId) {
        broker(brokerId).startup();
    }

    @Override
    public Mode mode() {
        return Mode.IN_PROCESS_KRAFT_CLUSTER;
    }

    @Override
    public String bootstrapServers() {
        return this.bootstrapServers;
    }

    @Override
    public String describe() {
        return "in-process KRaft cluster of " + BROKERS + " brokers, Kafka " + AppInfoParser.getVersion() + ", at "
                + this.bootstrapServers;
    }

    @Override
    public void close() {
        try {
            this.cluster.close();
        }
        catch (Exception ex) {
            throw new IllegalStateException("Could not stop the in-process Kafka cluster", ex);
        }
    }

    private BrokerServer broker(int brokerId) {
        BrokerServer broker = this.cluster.brokers().get(brokerId);
        if (broker == null) {
            throw new IllegalArgumentException("No broker " + brokerId + " in this cluster; its brokers are "
                    + brokerIds());
        }
        return broker;
    }
}

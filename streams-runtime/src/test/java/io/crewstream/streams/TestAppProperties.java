package io.crewstream.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.runtime.KafkaSettings;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.TopicReplication;

/** The settings of an app under test, its own and the shared ones ({@link #kafka()}); each test changes what it is about. */
record TestAppProperties(String bootstrapServers, String applicationId, String instanceId, TopicNamespace namespace,
        int partitions, TopicReplication replication, String processingGuarantee, Duration commitInterval,
        Path stateDir, int streamThreads, Duration closeTimeout, Duration provisioningTimeout, Duration stallTimeout,
        Map<String, String> streamsProperties) implements StreamsAppProperties {

    static TestAppProperties of(String bootstrapServers, Path stateDir) {
        return new TestAppProperties(bootstrapServers, "app", "pod-1", TopicNamespace.DEFAULT, 1,
                TopicReplication.SINGLE, "exactly_once_v2", Duration.ofMillis(100), stateDir, 1,
                Duration.ofSeconds(5), Duration.ofSeconds(1), Duration.ofSeconds(60), Map.of());
    }

    /** The shared Kafka settings these stand for. */
    KafkaSettings kafka() {
        return new KafkaSettings(this.bootstrapServers, this.namespace.prefix(), this.partitions,
                this.replication.factor(), this.replication.minInsyncReplicas());
    }

    TestAppProperties withGuarantee(String guarantee) {
        return new TestAppProperties(this.bootstrapServers, this.applicationId, this.instanceId, this.namespace,
                this.partitions, this.replication, guarantee, this.commitInterval, this.stateDir,
                this.streamThreads, this.closeTimeout, this.provisioningTimeout, this.stallTimeout,
                this.streamsProperties);
    }

    TestAppProperties withReplication(TopicReplication value) {
        return new TestAppProperties(this.bootstrapServers, this.applicationId, this.instanceId, this.namespace,
                this.partitions, value, this.processingGuarantee, this.commitInterval, this.stateDir,
                this.streamThreads, this.closeTimeout, this.provisioningTimeout, this.stallTimeout,
                this.streamsProperties);
    }

    TestAppProperties withStreamsProperties(Map<String, String> overrides) {
        return new TestAppProperties(this.bootstrapServers, this.applicationId, this.instanceId, this.namespace,
                this.partitions, this.replication, this.processingGuarantee, this.commitInterval, this.stateDir,
                this.streamThreads, this.closeTimeout, this.provisioningTimeout, this.stallTimeout, overrides);
    }
}

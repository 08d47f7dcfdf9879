package io.crewstream.schemas.guide;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The code of {@code docs/topics.md}, compiled by the build and run by {@link TopicsGuideTest} against a real broker.
 * The guide shows what is between the {@code snippet} markers, exactly (the test compares the two).
 */
final class TopicsGuideSnippets {

    private TopicsGuideSnippets() {
    }

    // snippet:read-table
    /** The session table as it is now: every partition from the beginning, tombstones applied. */
    static Map<SessionStateKey, SessionState> readSessionTable(String bootstrapServers, TopicNamespace namespace) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // The table is written exactly-once: read only what was committed.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<SessionStateKey, SessionState> table = new HashMap<>();
        try (KafkaConsumer<String, SessionState> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                ContractSerdes.sessionState().deserializer())) {
            String topic = namespace.name(Topic.SESSION_STATE);
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic)) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            // Read up to where the table ended when we started; later records are changes, not the table.
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, SessionState> record : consumer.poll(Duration.ofMillis(500))) {
                    SessionStateKey key = SessionStateKey.parse(record.key());
                    if (record.value() == null) {
                        table.remove(key); // a tombstone: the session is gone
                    }
                    else {
                        table.put(key, record.value());
                    }
                }
            }
        }
        return table;
    }
    // end-snippet

    // snippet:follow-changes
    /**
     * Every change of the table, told apart by its CloudEvents type, as a consumer group (which remembers where it
     * got to); a new group starts at the beginning: the compacted history first, then each change as it comes.
     */
    static void followSessionChanges(String bootstrapServers, TopicNamespace namespace, String groupId, int polls,
            Consumer<String> onChange) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, SessionState> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                ContractSerdes.sessionState().deserializer())) {
            consumer.subscribe(List.of(namespace.name(Topic.SESSION_STATE)));
            for (int i = 0; i < polls; i++) {
                for (ConsumerRecord<String, SessionState> record : consumer.poll(Duration.ofMillis(500))) {
                    CloudEvents event = CloudEvents.readFrom(record.headers()).orElseThrow();
                    String what = event.type() == CloudEventType.SESSION_STATE_REMOVED ? "removed"
                            : record.value().session().status();
                    onChange.accept(event.subject() + " " + what + " at " + event.time());
                }
            }
        }
    }
    // end-snippet
}

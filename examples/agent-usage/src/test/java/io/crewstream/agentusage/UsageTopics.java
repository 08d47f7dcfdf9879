package io.crewstream.agentusage;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the session-state table as the projector would (rows and tombstones keyed {@code <connectionId>/<sessionKey>},
 * each with an explicit timestamp: the event time) and reads back the usage topic, in one test's namespace.
 */
final class UsageTopics implements AutoCloseable {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final KafkaBroker broker;
    private final TopicNamespace namespace;
    private final KafkaProducer<String, SessionState> producer;

    UsageTopics(KafkaBroker broker, TopicNamespace namespace) {
        this.broker = broker;
        this.namespace = namespace;
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), ContractSerdes.sessionState());
    }

    /** Creates the session-state table as the projector would, before the app does. */
    void createTable(int partitions) {
        this.broker.createTopics(List.of(Topic.SESSION_STATE.newTopic(this.namespace, partitions, (short) 1)));
    }

    void created(String connectionId, long timestamp, String agent, String name, String status, long totalTokens) {
        row(connectionId, timestamp, ChangeType.CREATED, agent, name, status, totalTokens);
    }

    void updated(String connectionId, long timestamp, String agent, String name, String status, long totalTokens) {
        row(connectionId, timestamp, ChangeType.UPDATED, agent, name, status, totalTokens);
    }

    /** The tombstone of session {@code agent:<agent>:<name>}. */
    void removed(String connectionId, long timestamp, String agent, String name) {
        send(connectionId + "/agent:" + agent + ":" + name, null, timestamp);
    }

    private void row(String connectionId, long timestamp, ChangeType changeType, String agent, String name,
            String status, long totalTokens) {
        ObjectNode row = ContractJson.mapper().createObjectNode().put("key", "agent:" + agent + ":" + name)
                .put("status", status).put("totalTokens", totalTokens);
        // The revision does not matter to the usage app; the change type does.
        SessionState state = SessionState.of(connectionId, changeType, changeType == ChangeType.CREATED ? 1 : 2,
                timestamp, SessionRow.of(row));
        send(state.key().format(), state, timestamp);
    }

    private void send(String key, SessionState value, long timestamp) {
        try {
            this.producer.send(new ProducerRecord<>(this.namespace.name(Topic.SESSION_STATE), null, timestamp, key,
                    value)).get(10, TimeUnit.SECONDS);
        }
        catch (ExecutionException | TimeoutException ex) {
            throw new IllegalStateException("Could not write the session-state table", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** The usage topic from its start, read-committed, in each partition's order. */
    List<ConsumerRecord<String, AgentUsageMinute>> usage() {
        return TopicReader.readAll(this.broker, this.namespace.name(Topic.AGENT_USAGE), new StringDeserializer(),
                ContractSerdes.forTopic(Topic.AGENT_USAGE, AgentUsageMinute.class), READ_TIMEOUT);
    }

    @Override
    public void close() {
        this.producer.close(Duration.ofSeconds(5));
    }
}

package io.crewstream.ingestor.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.AgentList;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SessionsVerified;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads back what the ingestor wrote to one topic namespace, as a downstream consumer would see it. */
public final class KafkaOutput {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(20);

    private final KafkaBroker broker;
    private final TopicNamespace namespace;

    public KafkaOutput(KafkaBroker broker, TopicNamespace namespace) {
        this.broker = broker;
        this.namespace = namespace;
    }

    public List<ConsumerRecord<String, SessionEvent>> sessionEventRecords() {
        return TopicReader.readAll(this.broker, this.namespace.name(Topic.SESSION_EVENTS), new StringDeserializer(),
                ContractSerdes.sessionEvents(), READ_TIMEOUT);
    }

    public List<ConsumerRecord<String, SessionsVerified>> verificationRecords() {
        return TopicReader.readAll(this.broker, this.namespace.name(Topic.SESSION_VERIFICATIONS),
                new StringDeserializer(), ContractSerdes.sessionVerifications(), READ_TIMEOUT);
    }

    /** The verification markers of re-lists published as differences. */
    public List<SessionsVerified> verifications() {
        return verificationRecords().stream().map(ConsumerRecord::value).toList();
    }

    public List<SessionEvent> sessionEvents() {
        return sessionEventRecords().stream().map(ConsumerRecord::value).toList();
    }

    /** The status changes, in order: each restatement of an unchanged status is left out. */
    public List<ConnectionStatusEvent> statuses() {
        List<ConnectionStatusEvent> changes = new ArrayList<>();
        for (ConnectionStatusEvent status : allStatuses()) {
            if (changes.isEmpty() || !status.restates(changes.get(changes.size() - 1))) {
                changes.add(status);
            }
        }
        return changes;
    }

    /** Every status record, restatements included. */
    public List<ConnectionStatusEvent> allStatuses() {
        return TopicReader.readAll(this.broker, this.namespace.name(Topic.CONNECTION_STATUS),
                new StringDeserializer(), ContractSerdes.connectionStatus(), READ_TIMEOUT)
                .stream().map(ConsumerRecord::value).toList();
    }

    public List<RawFrame> rawFrames() {
        return TopicReader.readAll(this.broker, this.namespace.name(Topic.RAW_FRAMES), new StringDeserializer(),
                ContractSerdes.rawFrames(), READ_TIMEOUT).stream().map(ConsumerRecord::value).toList();
    }

    public List<ConsumerRecord<String, RunEvent>> runEventRecords() {
        return TopicReader.readAll(this.broker, this.namespace.name(Topic.RUN_EVENTS), new StringDeserializer(),
                ContractSerdes.runEvents(), READ_TIMEOUT);
    }

    public List<RunEvent> runEvents() {
        return runEventRecords().stream().map(ConsumerRecord::value).toList();
    }

    public List<ConsumerRecord<String, AgentList>> agentListRecords() {
        return TopicReader.readAll(this.broker, this.namespace.name(Topic.AGENT_LISTS), new StringDeserializer(),
                ContractSerdes.agentLists(), READ_TIMEOUT);
    }

    public List<AgentList> agentLists() {
        return agentListRecords().stream().map(ConsumerRecord::value).toList();
    }

    /** Every key and value byte of the ingestor's topics, for searching secrets. */
    public List<byte[]> allBytes() {
        List<byte[]> bytes = new ArrayList<>();
        for (Topic topic : List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS, Topic.RAW_FRAMES, Topic.RUN_EVENTS,
                Topic.AGENT_LISTS)) {
            for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(this.broker, this.namespace.name(topic),
                    new ByteArrayDeserializer(), new ByteArrayDeserializer(), READ_TIMEOUT)) {
                if (record.key() != null) {
                    bytes.add(record.key());
                }
                bytes.add(record.value());
            }
        }
        return bytes;
    }

    public List<UpstreamState> states() {
        return statuses().stream().map(ConnectionStatusEvent::state).toList();
    }

    /** Complete snapshots (all chunks present, in order), as lists of their chunks. */
    public List<List<SnapshotChunk>> completeSnapshots() {
        return completeSnapshots(sessionEvents());
    }

    public static List<List<SnapshotChunk>> completeSnapshots(List<SessionEvent> events) {
        List<List<SnapshotChunk>> complete = new ArrayList<>();
        List<SnapshotChunk> current = new ArrayList<>();
        for (SessionEvent event : events) {
            if (event instanceof SnapshotChunk chunk) {
                if (chunk.chunkIndex() == 0) {
                    current = new ArrayList<>();
                }
                if (current.size() == chunk.chunkIndex()
                        && (current.isEmpty() || current.get(0).snapshotId().equals(chunk.snapshotId()))) {
                    current.add(chunk);
                    if (chunk.isLast()) {
                        complete.add(current);
                        current = new ArrayList<>();
                    }
                }
            }
        }
        return complete;
    }

    public List<List<SnapshotChunk>> completeSnapshots(Predicate<String> reason) {
        return completeSnapshots().stream().filter(chunks -> reason.test(chunks.get(0).reason())).toList();
    }

    /**
     * The sessions a downstream reader ends up with: a complete snapshot replaces everything, an upsert or removal
     * touches its key, in topic order (one connection's records share a partition).
     */
    public Map<String, SessionRow> foldedSessions() {
        return fold(sessionEvents());
    }

    /** As {@link #foldedSessions()}, of {@code events} (one connection's, in topic order). */
    public static Map<String, SessionRow> fold(List<SessionEvent> events) {
        Map<String, SessionRow> sessions = new LinkedHashMap<>();
        Map<String, SessionRow> pending = null;
        for (SessionEvent event : events) {
            if (event instanceof SnapshotChunk chunk) {
                if (chunk.chunkIndex() == 0) {
                    pending = new LinkedHashMap<>();
                }
                if (pending != null) {
                    for (SessionRow row : chunk.sessions()) {
                        pending.put(row.key(), row);
                    }
                    if (chunk.isLast()) {
                        sessions = pending;
                        pending = null;
                    }
                }
            }
            else if (event instanceof SessionUpserted upserted) {
                sessions.put(upserted.sessionKey(), upserted.session());
            }
            else if (event instanceof SessionRemoved removed) {
                sessions.remove(removed.sessionKey());
            }
        }
        return sessions;
    }
}

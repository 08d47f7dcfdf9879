package io.crewstream.ingestor.publish;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
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
import io.crewstream.schemas.records.SnapshotReason;
import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes supervisors' observations to the six input topics, keyed by connection id so that one connection's
 * records share a partition and keep their order end to end. Serializes on the caller's thread (so sizes are known
 * before anything is queued) and hands bytes to the {@link RecordSender}, each with its CloudEvents attributes
 * ({@link CloudEvents}): a snapshot chunk's id is its snapshot's and its index, a run event's the one its frame
 * gives (run, numbering stream, number), any other record's this ingestor run's id and a counter, so that ids never repeat and a producer's retry, which resends the same record, keeps its id.
 *
 * <p>A {@link SessionsVerified} marker names the offset of the connection's last session-events record handed over
 * before it: the output remembers, per connection, the acknowledgement of that record and writes the marker when it
 * arrives (so a marker may follow later records of the connection on the wire; its offset still says where it holds).
 *
 * <p>Thread-safe: the sender and serdes are, the counter is atomic and the last acknowledgement per connection is in a
 * concurrent map. The records of one connection must be handed over by one thread at a time (its supervisor's), as
 * their order on the topic is the order of the calls; the marker relies on the same order.
 */
public final class KafkaUpstreamOutput implements UpstreamOutput {

    private static final Logger log = LoggerFactory.getLogger(KafkaUpstreamOutput.class);

    /** Room for a raw frame's own fields around its text. */
    private static final int RAW_FRAME_ENVELOPE_BYTES = 1024;

    private final RecordSender sender;
    private final SnapshotChunker chunker;
    private final int maxRecordBytes;
    private final String instanceId;
    private final ContractSerde<SessionEvent> sessionEvents = ContractSerdes.sessionEvents();
    private final ContractSerde<ConnectionStatusEvent> statuses = ContractSerdes.connectionStatus();
    private final ContractSerde<RawFrame> rawFrames = ContractSerdes.rawFrames();
    private final ContractSerde<RunEvent> runEvents = ContractSerdes.runEvents();
    private final ContractSerde<AgentList> agentLists = ContractSerdes.agentLists();
    private final ContractSerde<SessionsVerified> verifications = ContractSerdes.sessionVerifications();

    /** Per connection: the acknowledgement of its last session-events record handed to the sender. */
    private final ConcurrentMap<String, CompletableFuture<RecordMetadata>> lastSessionEvent =
            new ConcurrentHashMap<>();

    /** Names this run in event ids: a restarted ingestor counts from 1 again. */
    private final String runId = UUID.randomUUID().toString();
    private final AtomicLong eventCount = new AtomicLong();

    /** @param instanceId this instance's id, the {@code owner} of every status it publishes */
    public KafkaUpstreamOutput(RecordSender sender, SnapshotChunker chunker, int maxRecordBytes,
            String instanceId) {
        this.sender = sender;
        this.instanceId = instanceId;
        this.chunker = chunker;
        this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public SnapshotReceipt snapshot(String connectionId, SnapshotReason reason, List<SessionRow> sessions,
            long observedAt, long listedFrom) {
        String snapshotId = UUID.randomUUID().toString();
        List<String> rejected = new ArrayList<>();
        List<SnapshotChunk> chunks = this.chunker.chunk(connectionId, snapshotId, reason, sessions, observedAt,
                rejected);
        for (SnapshotChunk listed : chunks) {
            SnapshotChunk chunk = listed.withListedFrom(Math.min(listedFrom, observedAt));
            sendSessionEvent(connectionId, this.sessionEvents.serialize(Topic.SESSION_EVENTS.baseName(), chunk),
                    new CloudEvents(snapshotId + "-" + chunk.chunkIndex(), source(connectionId),
                            CloudEventType.SNAPSHOT_CHUNK, Instant.ofEpochMilli(observedAt), null));
        }
        return new SnapshotReceipt(snapshotId, chunks.size(), chunks.get(0).totalSessions(), List.copyOf(rejected));
    }

    @Override
    public Optional<String> change(SessionEvent event) {
        byte[] value = serialize(event);
        CloudEvents attributes = attributesOf(event);
        if (value.length <= this.maxRecordBytes) {
            sendSessionEvent(event.connectionId(), value, attributes);
            return Optional.empty();
        }
        String problem = "session '" + sessionKey(event) + "' is " + value.length + " bytes serialized, more than a "
                + "record may be (" + this.maxRecordBytes + " bytes)";
        if (event instanceof SessionUpserted upserted) {
            for (SessionRow trimmed : List.of(TrimmedRow.of(upserted.session()),
                    TrimmedRow.keyOnly(upserted.session()))) {
                byte[] trimmedValue = serialize(new SessionUpserted(upserted.schemaVersion(), upserted.connectionId(),
                        upserted.sessionKey(), upserted.reason(), upserted.upstreamSeq(), upserted.observedAt(),
                        trimmed));
                if (trimmedValue.length <= this.maxRecordBytes) {
                    sendSessionEvent(event.connectionId(), trimmedValue, attributes);
                    return Optional.of(problem + "; published trimmed to " + trimmedValue.length + " bytes (marked "
                            + TrimmedRow.MARKER + ")");
                }
            }
        }
        return Optional.of(problem + ", even trimmed; this change is not published");
    }

    private CloudEvents attributesOf(SessionEvent event) {
        CloudEventType type = event instanceof SessionRemoved ? CloudEventType.SESSION_REMOVED
                : CloudEventType.SESSION_UPSERTED;
        return next(type, event.connectionId(), event.observedAt(), sessionKey(event));
    }

    private CloudEvents next(CloudEventType type, String connectionId, long time, String subject) {
        return new CloudEvents(this.runId + "-" + this.eventCount.incrementAndGet(), source(connectionId), type,
                Instant.ofEpochMilli(time), subject);
    }

    private static String source(String connectionId) {
        return CloudEvents.source(CloudEvents.Component.INGESTOR, connectionId);
    }

    private byte[] serialize(SessionEvent event) {
        return this.sessionEvents.serialize(Topic.SESSION_EVENTS.baseName(), event);
    }

    private static String sessionKey(SessionEvent event) {
        if (event instanceof SessionUpserted upserted) {
            return upserted.sessionKey();
        }
        if (event instanceof SessionRemoved removed) {
            return removed.sessionKey();
        }
        return "?";
    }

    @Override
    public void sessionsVerified(String connectionId, SnapshotReason reason, int sessionCount, String digest,
            int changesPublished, long listedFrom, long observedAt) {
        CompletableFuture<RecordMetadata> last = this.lastSessionEvent.get(connectionId);
        if (last == null) {
            // Cannot happen after a full snapshot of this process; a marker without an offset would mean nothing.
            log.info("[{}] No sessions-verified marker for the {} re-list: this ingestor has written no session "
                    + "events for the connection yet", connectionId, reason);
            return;
        }
        // Taken now, so that ids keep the order of the calls whatever order acknowledgements come in.
        CloudEvents attributes = next(CloudEventType.SESSIONS_VERIFIED, connectionId, observedAt, null);
        last.whenComplete((written, failure) -> {
            if (failure != null) {
                log.info("[{}] No sessions-verified marker for the {} re-list: the last session-events record "
                        + "before it was not written ({}); the full snapshot after the Kafka outage replaces the "
                        + "check", connectionId, reason, failure.getMessage());
                return;
            }
            SessionsVerified marker = SessionsVerified.of(connectionId, reason, sessionCount, digest,
                    changesPublished, Math.min(listedFrom, observedAt), observedAt, written.offset());
            send(Topic.SESSION_VERIFICATIONS, connectionId,
                    this.verifications.serialize(Topic.SESSION_VERIFICATIONS.baseName(), marker), attributes);
        });
    }

    private void sendSessionEvent(String connectionId, byte[] value, CloudEvents attributes) {
        this.lastSessionEvent.put(connectionId,
                this.sender.send(Topic.SESSION_EVENTS, connectionId, value, attributes));
    }

    /** Every status names this instance as the link's owner: only the gateway's writer can publish one. */
    @Override
    public void status(ConnectionStatusEvent event) {
        send(Topic.CONNECTION_STATUS, event.connectionId(),
                this.statuses.serialize(Topic.CONNECTION_STATUS.baseName(), event.withOwner(this.instanceId)),
                next(CloudEventType.CONNECTION_STATUS, event.connectionId(), event.observedAt(), null));
    }

    @Override
    public void runEvent(RunEvent event, String eventId) {
        CloudEventType type = switch (event.kind()) {
            case RUN_STARTED -> CloudEventType.RUN_STARTED;
            case TOOL_STARTED -> CloudEventType.RUN_TOOL_STARTED;
            case TOOL_ENDED -> CloudEventType.RUN_TOOL_ENDED;
            case RUN_ENDED -> CloudEventType.RUN_ENDED;
        };
        send(Topic.RUN_EVENTS, event.connectionId(), this.runEvents.serialize(Topic.RUN_EVENTS.baseName(), event),
                new CloudEvents(eventId, source(event.connectionId()), type, Instant.ofEpochMilli(event.at()),
                        event.sessionKey()));
    }

    @Override
    public void agentList(AgentList list) {
        send(Topic.AGENT_LISTS, list.connectionId(), this.agentLists.serialize(Topic.AGENT_LISTS.baseName(), list),
                next(CloudEventType.AGENTS_LISTED, list.connectionId(), list.observedAt(), null));
    }

    @Override
    public void rawFrame(String connectionId, long receivedAt, String frameType, String event, Long seq,
            long sizeBytes, String text, boolean partial) {
        int size = (int) Math.min(Integer.MAX_VALUE, sizeBytes);
        String kept = truncate(text, this.maxRecordBytes - RAW_FRAME_ENVELOPE_BYTES);
        byte[] value = serializeRawFrame(connectionId, receivedAt, frameType, event, seq, size, kept,
                partial || !kept.equals(text));
        // JSON escaping can make the text longer than it was on the wire; cut further until the record fits.
        while (value.length > this.maxRecordBytes && !kept.isEmpty()) {
            int keptBytes = kept.getBytes(StandardCharsets.UTF_8).length;
            kept = truncate(kept, Math.max(0, (int) ((long) keptBytes * this.maxRecordBytes / value.length)
                    - RAW_FRAME_ENVELOPE_BYTES));
            value = serializeRawFrame(connectionId, receivedAt, frameType, event, seq, size, kept, true);
        }
        send(Topic.RAW_FRAMES, connectionId, value, next(CloudEventType.RAW_FRAME, connectionId, receivedAt, null));
    }

    private byte[] serializeRawFrame(String connectionId, long receivedAt, String frameType, String event, Long seq,
            int sizeBytes, String kept, boolean truncated) {
        return this.rawFrames.serialize(Topic.RAW_FRAMES.baseName(),
                RawFrame.of(connectionId, receivedAt, frameType, event, seq, sizeBytes, truncated, kept));
    }

    private static String truncate(String text, int maxBytes) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= maxBytes) {
            return text;
        }
        // A code point cut in half decodes to one replacement character; the record says it is truncated anyway.
        return new String(Arrays.copyOf(bytes, maxBytes), StandardCharsets.UTF_8);
    }

    private void send(Topic topic, String key, byte[] value, CloudEvents attributes) {
        this.sender.send(topic, key, value, attributes);
    }
}

package io.crewstream.local.tools;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import io.crewstream.replay.kafka.TopicAccess;
import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotChunk;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;

/**
 * {@code tail}: follows the live topics from now on, one line per record: what the ingestor wrote about sessions,
 * every status change, and with {@code --frames} every raw upstream frame. Until Ctrl-C, or {@code --max N} lines.
 * Each line is flushed as it comes.
 */
final class TailCommand implements Command {

    private static final Duration POLL = Duration.ofMillis(200);

    @Override
    public String name() {
        return "tail";
    }

    @Override
    public String usage() {
        return "tail [--connection ID] [--frames] [--max N]";
    }

    @Override
    public String summary() {
        return "follow the live topics, one line per session event, status change (and frame)";
    }

    @Override
    public Set<String> options() {
        return Set.of("connection", "frames", "max");
    }

    @Override
    public Set<String> flags() {
        return Set.of("frames");
    }

    @Override
    public void run(ToolArgs args, ToolContext context) throws InterruptedException {
        args.positional(0, "no arguments besides its options");
        String connection = args.option("connection");
        long max = max(args.option("max"));
        if (connection != null) {
            context.replay().requireKnown(connection);
        }
        List<Topic> topics = new ArrayList<>(List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS));
        if (args.flag("frames")) {
            topics.add(Topic.RAW_FRAMES);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        try (TopicAccess access = new TopicAccess(context.replay().source())) {
            topics.forEach(topic -> partitions.addAll(access.partitions(topic)));
        }
        try {
            follow(partitions, connection, max, context);
        }
        catch (InterruptException ex) {
            // Stopped while waiting on Kafka (Ctrl-C): not a failure of Kafka.
            throw new InterruptedException("tail stopped");
        }
        catch (KafkaException ex) {
            // This consumer is the command's own, not the engine's: its failures are told in the engine's words.
            throw TopicAccess.unavailable(context.replay().source(), ex);
        }
    }

    private static void follow(List<TopicPartition> partitions, String connection, long max, ToolContext context) {
        long printed = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = context.replay().source().consumer()) {
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            // Said once the positions are taken: everything written from now on is shown.
            context.out().flush();
            context.err().println("crewstream: following " + (connection == null ? "every gateway" : connection)
                    + " from now on (Ctrl-C to stop)");
            context.err().flush();
            while (printed < max && !Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    String key = TopicAccess.keyOf(record);
                    if (connection != null && !connection.equals(key)) {
                        continue;
                    }
                    String line = describe(record, context);
                    if (line != null && printed < max) {
                        context.out().println(Text.time(Instant.ofEpochMilli(record.timestamp())) + "  "
                                + Text.pad(key, 12) + line);
                        context.out().flush();
                        printed++;
                    }
                }
            }
        }
    }

    private static long max(String text) {
        if (text == null) {
            return Long.MAX_VALUE;
        }
        try {
            long max = Long.parseLong(text);
            if (max > 0) {
                return max;
            }
        }
        catch (NumberFormatException ex) {
            // Answered below.
        }
        throw new io.crewstream.local.cli.UsageException("--max must be a positive number, not '" + text + "'");
    }

    private static String describe(ConsumerRecord<byte[], byte[]> record, ToolContext context) {
        String topic = record.topic();
        try {
            if (topic.equals(context.replay().source().namespace().name(Topic.SESSION_EVENTS))) {
                return session(ContractSerdes.sessionEvents().deserialize(topic, record.value()));
            }
            if (topic.equals(context.replay().source().namespace().name(Topic.CONNECTION_STATUS))) {
                ConnectionStatusEvent status = ContractSerdes.connectionStatus().deserialize(topic, record.value());
                return "gateway  " + Text.status(status);
            }
            RawFrame frame = ContractSerdes.rawFrames().deserialize(topic, record.value());
            return "frame    " + frame.frameType() + (frame.event() == null ? "" : " " + frame.event())
                    + (frame.seq() == null ? "" : " seq " + frame.seq()) + "  " + Text.cut(frame.text(), 160);
        }
        catch (ContractViolationException ex) {
            return "unreadable record at " + record.topic() + "-" + record.partition() + "@" + record.offset() + ": "
                    + Text.cut(ex.getMessage(), 120);
        }
    }

    private static String session(SessionEvent event) {
        if (event instanceof SnapshotChunk chunk) {
            return "snapshot " + chunk.snapshotId().substring(0, Math.min(8, chunk.snapshotId().length())) + " ("
                    + chunk.reason() + ") chunk " + (chunk.chunkIndex() + 1) + "/" + chunk.chunkCount() + ", "
                    + chunk.sessions().size() + " of " + chunk.totalSessions() + " sessions";
        }
        if (event instanceof SessionUpserted upserted) {
            return "upsert   " + upserted.sessionKey() + " (" + upserted.reason()
                    + (upserted.upstreamSeq() == null ? "" : ", seq " + upserted.upstreamSeq()) + "): status "
                    + upserted.session().status();
        }
        SessionRemoved removed = (SessionRemoved) event;
        return "removal  " + removed.sessionKey() + " (" + removed.reason()
                + (removed.upstreamSeq() == null ? "" : ", seq " + removed.upstreamSeq()) + ")";
    }
}

package io.crewstream.schemas.guide;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/topics.md} tells another team how to read the topics; its code must compile and do what it says. Each
 * {@code java} block marked {@code <!-- snippet: name -->} is exactly the code between the same markers in
 * {@link TopicsGuideSnippets}, and each snippet runs here against a real broker.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TopicsGuideTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    private static final Path GUIDE = REPOSITORY.resolve("docs/topics.md");

    private static final Path SNIPPETS = Path.of("src/test/java/io/crewstream/schemas/guide/TopicsGuideSnippets.java");

    @Test
    void everySnippetInTheGuideIsTheCompiledCode() throws IOException {
        String guide = Files.readString(GUIDE, StandardCharsets.UTF_8);
        String source = Files.readString(SNIPPETS, StandardCharsets.UTF_8);
        Matcher blocks = Pattern.compile("<!-- snippet: ([a-z-]+) -->\\s*```java\\n(.*?)```", Pattern.DOTALL)
                .matcher(guide);
        List<String> shown = new ArrayList<>();
        while (blocks.find()) {
            shown.add(blocks.group(1));
            assertThat(blocks.group(2)).as("snippet %s in docs/topics.md", blocks.group(1))
                    .isEqualTo(snippet(source, blocks.group(1)));
        }
        assertThat(shown).containsExactlyInAnyOrder("read-table", "follow-changes");
    }

    /** The snippet's lines from the source, without their first four spaces of class indentation. */
    private static String snippet(String source, String name) {
        int start = source.indexOf("// snippet:" + name + "\n");
        int end = source.indexOf("    // end-snippet", start);
        assertThat(start).as("snippet %s in the source", name).isPositive();
        String body = source.substring(source.indexOf('\n', start) + 1, end);
        StringBuilder text = new StringBuilder();
        for (String line : body.split("\n", -1)) {
            text.append(line.startsWith("    ") ? line.substring(4) : line).append('\n');
        }
        return text.toString().replaceAll("\n+$", "\n");
    }

    @Test
    void theTableSnippetFoldsTheTopicIntoTheCurrentTable(KafkaBroker broker) {
        TopicNamespace namespace = write(broker, "guide-table");
        Map<SessionStateKey, SessionState> table = TopicsGuideSnippets.readSessionTable(broker.bootstrapServers(),
                namespace);
        assertThat(table).containsOnlyKeys(new SessionStateKey("local", "agent:main:kept"));
        assertThat(table.values().iterator().next().session().status()).isEqualTo("done");
    }

    @Test
    void theFollowSnippetTellsEveryChangeWithItsCloudEventsAttributes(KafkaBroker broker) {
        TopicNamespace namespace = write(broker, "guide-follow");
        List<String> changes = new ArrayList<>();
        TopicsGuideSnippets.followSessionChanges(broker.bootstrapServers(), namespace, namespace.prefix() + "group",
                20, changes::add);
        assertThat(changes).containsExactly("agent:main:kept running at 2026-12-01T10:00:00Z",
                "agent:main:gone running at 2026-12-01T10:00:01Z", "agent:main:kept done at 2026-12-01T10:00:02Z",
                "agent:main:gone removed at 2026-12-01T10:00:03Z");
    }

    /** Two sessions as the projector writes them, one partition: created, created, updated, removed. */
    private static TopicNamespace write(KafkaBroker broker, String hint) {
        TopicNamespace namespace = new TopicNamespace(broker.uniquePrefix(hint));
        broker.createTopics(List.of(Topic.SESSION_STATE.newTopic(namespace, 1, (short) 1)));
        Instant t0 = Instant.parse("2026-12-01T10:00:00Z");
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()), new StringSerializer(),
                new ByteArraySerializer())) {
            String topic = namespace.name(Topic.SESSION_STATE);
            send(producer, topic, t0, state("agent:main:kept", "running", ChangeType.CREATED, 1),
                    CloudEventType.SESSION_STATE_CREATED, "agent:main:kept");
            send(producer, topic, t0.plusSeconds(1), state("agent:main:gone", "running", ChangeType.CREATED, 1),
                    CloudEventType.SESSION_STATE_CREATED, "agent:main:gone");
            send(producer, topic, t0.plusSeconds(2), state("agent:main:kept", "done", ChangeType.UPDATED, 2),
                    CloudEventType.SESSION_STATE_UPDATED, "agent:main:kept");
            send(producer, topic, t0.plusSeconds(3), null, CloudEventType.SESSION_STATE_REMOVED, "agent:main:gone");
        }
        return namespace;
    }

    private static SessionState state(String key, String status, ChangeType change, long revision) {
        return SessionState.of("local", change, revision, 1, SessionRow.of(ContractJson.mapper().createObjectNode()
                .put("key", key).put("status", status)));
    }

    private static void send(KafkaProducer<String, byte[]> producer, String topic, Instant at, SessionState state,
            CloudEventType type, String sessionKey) {
        RecordHeaders headers = new RecordHeaders();
        new CloudEvents("guide-" + at.toEpochMilli(), CloudEvents.source(CloudEvents.Component.PROJECTOR, "local"),
                type, at, sessionKey).writeTo(headers);
        byte[] value = state == null ? null : ContractSerdes.sessionState().serialize(topic, state);
        try {
            producer.send(new ProducerRecord<>(topic, 0, at.toEpochMilli(),
                    new SessionStateKey("local", sessionKey).format(), value, headers)).get();
        }
        catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }
}

package io.crewstream.schemas;

import java.util.Arrays;

import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicTest {

    @Test
    void topicNamesAreUniqueAndCarryTheSchemaVersion() {
        assertThat(Arrays.stream(Topic.values()).map(Topic::baseName))
                .doesNotHaveDuplicates()
                .allMatch(name -> name.startsWith("crewstream.") && name.endsWith(".v" + SchemaVersion.CURRENT));
    }

    @Test
    void compactedTablesKeepTombstonesLongEnoughForResumingClients() {
        NewTopic table = Topic.SESSION_STATE.newTopic(TopicNamespace.DEFAULT, 3, (short) 1);

        assertThat(table.configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "compact")
                .containsEntry(TopicConfig.DELETE_RETENTION_MS_CONFIG, "86400000")
                .containsKey(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG)
                .doesNotContainKey(TopicConfig.RETENTION_MS_CONFIG);
        assertThat(Topic.SESSION_STATE.retention()).isNull();
    }

    @Test
    void eventTopicsAreTimeRetained() {
        assertThat(Topic.SESSION_EVENTS.configs())
                .containsEntry(TopicConfig.CLEANUP_POLICY_CONFIG, "delete")
                .containsEntry(TopicConfig.RETENTION_MS_CONFIG, Long.toString(7L * 24 * 3600 * 1000));
    }

    @Test
    void namespacePrefixesEveryName() {
        TopicNamespace namespace = new TopicNamespace("it-42.");

        assertThat(namespace.name(Topic.SESSION_EVENTS)).isEqualTo("it-42.crewstream.session-events.v1");
        assertThat(TopicNamespace.DEFAULT.name(Topic.SESSION_EVENTS)).isEqualTo(Topic.SESSION_EVENTS.baseName());
    }

    @Test
    void namespaceRejectsCharactersKafkaDoesNotAllow() {
        assertThatThrownBy(() -> new TopicNamespace("my topics/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'my topics/'");
    }

    @Test
    void sessionStateKeySplitsAtTheFirstSlashSoSessionKeysMayContainAnything() {
        SessionStateKey key = new SessionStateKey("local", "agent:main:a/b:c");

        assertThat(key.format()).isEqualTo("local/agent:main:a/b:c");
        assertThat(SessionStateKey.parse(key.format())).isEqualTo(key);
    }

    @Test
    void sessionStateKeyWithoutSeparatorIsInvalid() {
        assertThatThrownBy(() -> SessionStateKey.parse("agent:main:main"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("<connectionId>/<sessionKey>");
    }
}

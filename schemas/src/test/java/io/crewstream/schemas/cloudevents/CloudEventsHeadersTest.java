package io.crewstream.schemas.cloudevents;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Header values are bounded in size, yet a long id still identifies its event: no two events share a ce_id. */
class CloudEventsHeadersTest {

    private static final Instant AT = Instant.parse("2025-01-01T00:00:00Z");

    @Test
    void aValueUpToTheLimitIsWrittenAsItIs() {
        String id = "i".repeat(CloudEvents.MAX_VALUE_BYTES);
        String subject = "agent:main:chat-42";

        Headers headers = write(id, subject);

        assertThat(CloudEvents.text(headers, CloudEvents.ID_HEADER)).isEqualTo(id);
        assertThat(CloudEvents.text(headers, CloudEvents.SUBJECT_HEADER)).isEqualTo(subject);
    }

    @Test
    void longIdsThatDifferOnlyAfterTheCutStillGetDifferentIds() {
        // An agent-usage id: <connectionId>/<agentId>/<minuteStart>/<version>, with an agent id of any length.
        String prefix = "local/" + "a".repeat(2 * CloudEvents.MAX_VALUE_BYTES) + "/1735689600000/";

        String first = CloudEvents.text(write(prefix + "1", "s"), CloudEvents.ID_HEADER);
        String second = CloudEvents.text(write(prefix + "2", "s"), CloudEvents.ID_HEADER);

        assertThat(first).isNotEqualTo(second);
        assertThat(first.getBytes(StandardCharsets.UTF_8)).hasSizeLessThanOrEqualTo(CloudEvents.MAX_VALUE_BYTES);
        assertThat(CloudEvents.text(write(prefix + "1", "s"), CloudEvents.ID_HEADER))
                .as("the same event, the same id").isEqualTo(first);
    }

    @Test
    void longSubjectsThatDifferOnlyAfterTheCutStillDiffer() {
        String prefix = "agent:" + "m".repeat(2 * CloudEvents.MAX_VALUE_BYTES) + ":";

        assertThat(CloudEvents.text(write("id", prefix + "a"), CloudEvents.SUBJECT_HEADER))
                .isNotEqualTo(CloudEvents.text(write("id", prefix + "b"), CloudEvents.SUBJECT_HEADER));
    }

    @Test
    void aCutNeverSplitsACharacter() {
        // Every cut position falls inside a surrogate pair once the one ASCII character shifts them.
        String id = "k" + "\uD83D\uDE00".repeat(CloudEvents.MAX_VALUE_BYTES);

        String written = CloudEvents.text(write(id, "s"), CloudEvents.ID_HEADER);

        // UTF-8 has no encoding for half a pair: Java writes it as '?', which no id here contains.
        assertThat(written).doesNotContain("?").startsWith("k\uD83D\uDE00");
    }

    private static Headers write(String id, String subject) {
        return new CloudEvents(id, CloudEvents.source(CloudEvents.Component.AGENT_USAGE, "local"),
                CloudEventType.AGENT_USAGE, AT, subject).writeTo(new RecordHeaders());
    }
}

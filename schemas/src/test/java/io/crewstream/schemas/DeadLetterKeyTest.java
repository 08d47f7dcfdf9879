package io.crewstream.schemas;

import java.nio.charset.StandardCharsets;

import io.crewstream.schemas.records.DeadLetter;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A dead letter's key always fits the topic, and still tells which records shared a key. */
class DeadLetterKeyTest {

    @Test
    void aKeyUpToTheLimitIsKeptAsItIs() {
        String limit = "k".repeat(DeadLetter.MAX_KEY_BYTES);
        assertThat(DeadLetter.keyFor("gw-a")).isEqualTo("gw-a");
        assertThat(DeadLetter.keyFor(limit)).isEqualTo(limit);
        assertThat(DeadLetter.keyFor(null)).isNull();
    }

    @Test
    void aLongerKeyIsCutToItsStartAndTheDigestOfTheWhole() {
        String huge = "k".repeat(1_000_000);
        String key = DeadLetter.keyFor(huge);
        assertThat(key).startsWith("k".repeat(DeadLetter.KEPT_KEY_CHARS) + "...sha256:")
                .hasSize(DeadLetter.KEPT_KEY_CHARS + "...sha256:".length() + 64);
        assertThat(DeadLetter.keyFor(huge)).as("the same key, the same dead-letter key").isEqualTo(key);
        assertThat(DeadLetter.keyFor(huge + "x")).as("another key, another digest").isNotEqualTo(key);
    }

    @Test
    void theLimitCountsUtf8BytesAndACutNeverSplitsACharacter() {
        // 1,201 characters but 2,401 bytes: over the limit; the one ASCII character in front puts a high surrogate
        // where the cut falls, so without the care the cut would split a character.
        String emoji = "k" + "\uD83D\uDE00".repeat(600);
        String key = DeadLetter.keyFor(emoji);
        assertThat(key.getBytes(StandardCharsets.UTF_8).length).isLessThan(DeadLetter.MAX_KEY_BYTES + 100);
        String kept = key.substring(0, key.indexOf("...sha256:"));
        assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1))).isFalse();
    }
}

package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.records.RunEvent;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The opt-in summaries never carry a credential a provider echoed in its error message. */
class ActivitySummaryTest {

    @Test
    void anEchoedApiKeyIsRedactedFromAnErrorMessage() {
        assertThat(ActivitySummary.ofErrorMessage("401 Incorrect API key provided: sk-proj-abcdef123456. You can "
                + "find your API key at https://platform.example/account"))
                .doesNotContain("sk-proj-abcdef123456").contains("API key provided: [redacted]")
                .contains("You can find your API key");
    }

    @Test
    void bearerTokensAndLongKeyLikeWordsAreRedacted() {
        String message = ActivitySummary.ofErrorMessage("upstream said Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.x "
                + "and key AKIAIOSFODNN7EXAMPLEAKIAIOSFODNN7EXAMPLE failed");

        assertThat(message).doesNotContain("eyJhbGciOiJIUzI1NiJ9").doesNotContain("AKIAIOSFODNN7EXAMPLE")
                .startsWith("upstream said Authorization: [redacted]");
    }

    @Test
    void anOrdinaryErrorMessageIsKeptAsItIsAndShortened() {
        assertThat(ActivitySummary.ofErrorMessage("429 rate limit exceeded for tokens per minute; retry in 20 s"))
                .isEqualTo("429 rate limit exceeded for tokens per minute; retry in 20 s");
        assertThat(ActivitySummary.ofErrorMessage("x ".repeat(300))).hasSize(RunEvent.MAX_SUMMARY_CHARS);
        assertThat(ActivitySummary.ofErrorMessage(null)).isNull();
    }
}

package io.crewstream.schemas.records;

import io.crewstream.schemas.InvalidFieldException;

/**
 * Tokens one run used, as the gateway last reported them by its end; each part may be absent when the gateway did not
 * say. openclaw 2026.9.6 reports output tokens only (a running total on its {@code usage} agent stream, which the
 * ingestor puts on the run's end), so input and total are absent from it.
 */
public record RunUsage(Long inputTokens, Long outputTokens, Long totalTokens) {

    public RunUsage {
        check(inputTokens, "inputTokens");
        check(outputTokens, "outputTokens");
        check(totalTokens, "totalTokens");
    }

    private static void check(Long tokens, String field) {
        if (tokens != null && tokens < 0) {
            throw new InvalidFieldException("RunUsage", field, "must not be negative but was " + tokens);
        }
    }
}

package io.crewstream.schemas.records;

import io.crewstream.schemas.InvalidFieldException;

/**
 * Tokens one run used, as the gateway reported them at its end; each part may be absent when the gateway did not
 * say.
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

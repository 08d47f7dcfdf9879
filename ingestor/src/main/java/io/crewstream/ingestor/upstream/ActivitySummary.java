package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.records.RunEvent;
import tools.jackson.databind.JsonNode;

/**
 * The opt-in {@link RunEvent#summary()}: a tool call's arguments or a run's error message, cut to
 * {@link RunEvent#MAX_SUMMARY_CHARS} characters. Arguments are written as compact JSON with credential-like fields
 * replaced (as in raw frames). Stateless.
 */
final class ActivitySummary {

    private static final String ELLIPSIS = "…";

    private ActivitySummary() {
    }

    /** @return null when there are no arguments */
    static String ofArguments(JsonNode args) {
        if (args == null || args.isNull() || args.isMissingNode()) {
            return null;
        }
        String redacted = Redaction.redactedText(args);
        return shortened(redacted != null ? redacted : GatewayJson.mapper().writeValueAsString(args));
    }

    /** @return at most {@link RunEvent#MAX_SUMMARY_CHARS} characters, ending in an ellipsis when cut; null for null */
    static String shortened(String text) {
        if (text == null || text.length() <= RunEvent.MAX_SUMMARY_CHARS) {
            return text;
        }
        int end = RunEvent.MAX_SUMMARY_CHARS - ELLIPSIS.length();
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + ELLIPSIS;
    }
}

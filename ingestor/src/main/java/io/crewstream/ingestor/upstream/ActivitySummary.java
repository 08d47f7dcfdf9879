package io.crewstream.ingestor.upstream;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crewstream.schemas.records.RunEvent;
import tools.jackson.databind.JsonNode;

/**
 * The opt-in {@link RunEvent#summary()}: a tool call's arguments or a run's error message, cut to
 * {@link RunEvent#MAX_SUMMARY_CHARS} characters. Arguments are written as compact JSON with credential-like fields
 * replaced (as in raw frames), error messages with credential-like words replaced. Stateless.
 */
final class ActivitySummary {

    private static final String ELLIPSIS = "…";

    /**
     * What credentials look like inside free text: provider errors echo them ("Incorrect API key provided:
     * sk-…", "Authorization: Bearer …"). A key-like word after a credential name, a bearer token, an
     * {@code sk-}/{@code pk-}-style key, and any unbroken run of 32+ key characters.
     */
    private static final Pattern SECRET_IN_TEXT = Pattern.compile(
            "(?i)((?:api[ _-]?key|token|secret|password|authorization)(?:\\s+provided)?\\s*[:=]?\\s*)"
                    + "(?:bearer\\s+)?[A-Za-z0-9._~+/=-]{6,}"
                    + "|bearer\\s+[A-Za-z0-9._~+/=-]{6,}"
                    + "|\\b[sp]k-[A-Za-z0-9_-]{6,}"
                    + "|[A-Za-z0-9_+/=-]{32,}");

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

    /**
     * A failed run's error message with credential-like words replaced (see {@link #SECRET_IN_TEXT}), shortened.
     *
     * @return null for null
     */
    static String ofErrorMessage(String message) {
        if (message == null) {
            return null;
        }
        Matcher matcher = SECRET_IN_TEXT.matcher(message);
        StringBuilder redacted = new StringBuilder();
        while (matcher.find()) {
            String kept = matcher.group(1) != null ? matcher.group(1) : "";
            matcher.appendReplacement(redacted, Matcher.quoteReplacement(kept + Redaction.REDACTED));
        }
        matcher.appendTail(redacted);
        return shortened(redacted.toString());
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

package io.crewstream.ingestor.upstream;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Keeps credentials a gateway sends <em>to</em> the ingestor out of the raw-frames topic: {@code hello-ok} may carry
 * {@code auth.deviceToken}, and any string field whose name ends in {@code token} is treated the same way. Numbers
 * ({@code totalTokens}, {@code contextTokens}) are data, not secrets, and are kept.
 *
 * <p>Stateless and thread-safe.
 */
final class Redaction {

    static final String REDACTED = "[redacted]";

    /**
     * The value of a JSON string property whose name ends in {@code token} (any case), up to its closing quote or
     * the end of the text: cut frames end anywhere, even inside the secret.
     */
    private static final Pattern UNPARSED_SECRET = Pattern.compile(
            "(\"[^\"\\\\]*token\"\\s*:\\s*)\"(?:[^\"\\\\]|\\\\.)*\"?", Pattern.CASE_INSENSITIVE);

    private Redaction() {
    }

    /**
     * Redaction for text that could not be parsed (malformed, or cut because it is too large): the same secrets, found
     * by their JSON shape instead of in a tree.
     *
     * @return the text with the value of every string property named {@code …token} replaced
     */
    static String redactedUnparsed(String text) {
        return UNPARSED_SECRET.matcher(text).replaceAll("$1\"" + Matcher.quoteReplacement(REDACTED) + "\"");
    }

    /** @return the frame's text with secrets replaced, or null when it holds none (the common case: no copy made) */
    static String redactedText(JsonNode root) {
        if (!holdsSecret(root)) {
            return null;
        }
        JsonNode copy = root.deepCopy();
        redact(copy);
        return GatewayJson.mapper().writeValueAsString(copy);
    }

    private static boolean holdsSecret(JsonNode node) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                if (isSecret(field.getKey(), field.getValue()) || holdsSecret(field.getValue())) {
                    return true;
                }
            }
        }
        else if (node.isArray()) {
            for (JsonNode element : node) {
                if (holdsSecret(element)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void redact(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> secrets = new ArrayList<>();
            for (Map.Entry<String, JsonNode> field : object.properties()) {
                if (isSecret(field.getKey(), field.getValue())) {
                    secrets.add(field.getKey());
                }
                else {
                    redact(field.getValue());
                }
            }
            secrets.forEach(name -> object.put(name, REDACTED));
        }
        else if (node.isArray()) {
            for (JsonNode element : node) {
                redact(element);
            }
        }
    }

    private static boolean isSecret(String name, JsonNode value) {
        return value.isString() && name.toLowerCase(Locale.ROOT).endsWith("token")
                && !value.asString().equals(REDACTED);
    }
}

package io.crewstream.ingestor.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crewstream.ingestor.config.OpenClawConfig.FileToken;
import tools.jackson.core.JacksonException;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.json.JsonReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the parts of OpenClaw's config file crewstream needs: {@code gateway.port}, {@code gateway.tls.enabled},
 * {@code gateway.auth.mode} and {@code gateway.auth.token}. The file is JSON5 (comments, trailing commas, unquoted
 * keys, single quotes); Jackson's lenient JSON features read that (hexadecimal numbers and multi-line strings, which
 * JSON5 also allows, do not occur in these fields). The token may be written as OpenClaw allows: plain, with
 * {@code ${VAR}} substitution, or as an {@code env} secret reference ({@code {source: "env", id: "VAR"}}); the
 * other secret sources (file, exec, store) and {@code $include} are not followed, and say so.
 *
 * <p>{@link #parse} is pure; {@link #read} adds the file system.
 */
public final class OpenClawConfigFile {

    private static final JsonMapper JSON5 = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_JAVA_COMMENTS, JsonReadFeature.ALLOW_TRAILING_COMMA,
                    JsonReadFeature.ALLOW_UNQUOTED_PROPERTY_NAMES, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_BACKSLASH_ESCAPING_ANY_CHARACTER)
            .build();

    /** OpenClaw's substitution: upper-case names only; {@code $${VAR}} stays a literal {@code ${VAR}}. */
    private static final Pattern VARIABLE = Pattern.compile("(\\$?)\\$\\{([A-Z_][A-Z0-9_]*)}");

    private OpenClawConfigFile() {
    }

    /** @param environment for {@code ${VAR}} substitution and {@code env} secret references in the token */
    public static OpenClawConfig read(Path file, Function<String, String> environment) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        }
        catch (NoSuchFileException ex) {
            return new OpenClawConfig.Absent(file);
        }
        catch (IOException | RuntimeException ex) {
            return new OpenClawConfig.Unusable(file, "cannot be read: " + ex.getClass().getSimpleName());
        }
        return parse(file, text, environment);
    }

    /** @param file where {@code text} comes from, for the result only */
    public static OpenClawConfig parse(Path file, String text, Function<String, String> environment) {
        JsonNode root;
        try {
            root = JSON5.readTree(text);
        }
        catch (JacksonException ex) {
            // Only the position: the parser's message quotes the text it choked on, which may be the token.
            TokenStreamLocation at = ex.getLocation();
            return new OpenClawConfig.Unusable(file, "is not valid JSON5" + (at == null ? ""
                    : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")"));
        }
        if (root == null || root.isMissingNode()) {
            return new OpenClawConfig.Found(file, null, false, new FileToken.Missing("is empty"));
        }
        if (!root.isObject()) {
            return new OpenClawConfig.Unusable(file, "is not a JSON5 object");
        }
        JsonNode gateway = root.path("gateway");
        return new OpenClawConfig.Found(file, port(gateway.path("port")), gateway.path("tls").path("enabled").asBoolean(false),
                token(root, gateway.path("auth"), environment));
    }

    private static Integer port(JsonNode port) {
        return port.isIntegralNumber() && port.canConvertToInt() && port.intValue() >= 1 && port.intValue() <= 65535
                ? port.intValue() : null;
    }

    private static FileToken token(JsonNode root, JsonNode auth, Function<String, String> environment) {
        String mode = auth.path("mode").isString() ? auth.path("mode").asString() : null;
        if (mode != null && !mode.equals("token")) {
            return new FileToken.Missing("sets gateway.auth.mode to " + mode + " (crewstream signs in with a token)");
        }
        JsonNode token = auth.path("token");
        if (token.isMissingNode() || token.isNull()) {
            if (mode == null && !auth.path("password").isMissingNode()) {
                return new FileToken.Missing("has a gateway.auth.password and no token (crewstream signs in with a "
                        + "token)");
            }
            boolean included = root.has("$include") || root.path("gateway").has("$include") || auth.has("$include");
            return new FileToken.Missing("has no gateway.auth.token"
                    + (included ? " (it uses $include, which crewstream does not follow)" : ""));
        }
        if (token.isObject()) {
            return secretReference(token, environment);
        }
        if (!token.isString()) {
            return new FileToken.Missing("has a gateway.auth.token that is not a string");
        }
        return substituted(token.asString(), environment);
    }

    private static FileToken secretReference(JsonNode reference, Function<String, String> environment) {
        String source = reference.path("source").asString("");
        if (!source.equals("env")) {
            return new FileToken.Missing("has a gateway.auth.token from a '" + source + "' secret reference, which "
                    + "crewstream does not resolve");
        }
        String variable = reference.path("id").asString("");
        return present(environment.apply(variable), "takes gateway.auth.token from " + variable + ", which is not set");
    }

    private static FileToken substituted(String token, Function<String, String> environment) {
        Matcher matcher = VARIABLE.matcher(token);
        StringBuilder value = new StringBuilder();
        while (matcher.find()) {
            String variable = matcher.group(2);
            String replacement;
            if (!matcher.group(1).isEmpty()) {
                replacement = "${" + variable + "}";
            }
            else {
                replacement = environment.apply(variable);
                if (replacement == null || replacement.isEmpty()) {
                    return new FileToken.Missing("takes gateway.auth.token from ${" + variable + "}, which is not set");
                }
            }
            matcher.appendReplacement(value, Matcher.quoteReplacement(replacement));
        }
        matcher.appendTail(value);
        return present(value.toString(), "has an empty gateway.auth.token");
    }

    private static FileToken present(String token, String whyNot) {
        return token == null || token.isBlank() ? new FileToken.Missing(whyNot)
                : new FileToken.Present(new GatewayToken(token.trim()));
    }
}

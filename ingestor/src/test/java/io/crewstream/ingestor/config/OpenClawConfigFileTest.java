package io.crewstream.ingestor.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.crewstream.ingestor.config.OpenClawConfig.FileToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** The parts of OpenClaw's JSON5 config that crewstream reads, written in every way OpenClaw accepts them. */
class OpenClawConfigFileTest {

    private static final Path FILE = Path.of("/home/me/.openclaw/openclaw.json");
    private static final String SECRET = "s3cret-gateway-token";

    @TempDir
    Path folder;

    @Test
    void json5WithCommentsTrailingCommasUnquotedKeysAndSingleQuotesIsRead() {
        OpenClawConfig config = parse("""
                // ~/.openclaw/openclaw.json, as a person edits it
                {
                  /* the gateway */
                  gateway: {
                    mode: 'local',
                    port: 19001,
                    bind: "loopback",
                    auth: { mode: "token", token: '%s', },
                  },
                  agents: { defaults: { workspace: "~/.openclaw/workspace" } },
                }
                """.formatted(SECRET));

        OpenClawConfig.Found found = (OpenClawConfig.Found) config;
        assertThat(found.port()).isEqualTo(19001);
        assertThat(found.tls()).isFalse();
        assertThat(token(found)).isEqualTo(SECRET);
        assertThat(found.toString()).doesNotContain(SECRET);
    }

    @Test
    void plainJsonAsOpenclawWritesItIsReadToo() {
        OpenClawConfig.Found found = (OpenClawConfig.Found) parse("""
                {"gateway": {"port": 18789, "tls": {"enabled": true}, "auth": {"token": "%s"}}}""".formatted(SECRET));

        assertThat(found.port()).isEqualTo(18789);
        assertThat(found.tls()).isTrue();
        assertThat(token(found)).as("no mode: token mode").isEqualTo(SECRET);
    }

    @Test
    void aTokenMayComeFromAnEnvironmentVariableBySubstitutionOrSecretReference() {
        Map<String, String> environment = Map.of("MY_GATEWAY_TOKEN", SECRET);

        assertThat(token(parse("{gateway: {auth: {token: '${MY_GATEWAY_TOKEN}'}}}", environment))).isEqualTo(SECRET);
        assertThat(token(parse("{gateway: {auth: {token: 'pre-${MY_GATEWAY_TOKEN}'}}}", environment)))
                .isEqualTo("pre-" + SECRET);
        assertThat(token(parse("{gateway: {auth: {token: '$${MY_GATEWAY_TOKEN}'}}}", environment)))
                .as("$${VAR} is OpenClaw's escape for a literal ${VAR}").isEqualTo("${MY_GATEWAY_TOKEN}");
        assertThat(token(parse("{gateway: {auth: {token: {source: 'env', provider: 'default', "
                + "id: 'MY_GATEWAY_TOKEN'}}}}", environment))).isEqualTo(SECRET);
    }

    @Test
    void eachReasonForNoTokenIsNamed() {
        assertThat(missing("{gateway: {port: 18789}}")).isEqualTo("has no gateway.auth.token");
        assertThat(missing("{gateway: {auth: {mode: 'password', password: 'pw'}}}"))
                .isEqualTo("sets gateway.auth.mode to password (crewstream signs in with a token)");
        assertThat(missing("{gateway: {auth: {password: 'pw'}}}"))
                .isEqualTo("has a gateway.auth.password and no token (crewstream signs in with a token)");
        assertThat(missing("{gateway: {auth: {mode: 'none'}}}"))
                .isEqualTo("sets gateway.auth.mode to none (crewstream signs in with a token)");
        assertThat(missing("{gateway: {auth: {token: '${UNSET_TOKEN_VARIABLE}'}}}"))
                .isEqualTo("takes gateway.auth.token from ${UNSET_TOKEN_VARIABLE}, which is not set");
        assertThat(missing("{gateway: {auth: {token: {source: 'file', provider: 'f', id: '/gateway/token'}}}}"))
                .isEqualTo("has a gateway.auth.token from a 'file' secret reference, which crewstream does not resolve");
        assertThat(missing("{gateway: {auth: {token: '  '}}}")).isEqualTo("has an empty gateway.auth.token");
        assertThat(missing("{gateway: {auth: {token: 42}}}")).isEqualTo("has a gateway.auth.token that is not a string");
        assertThat(missing("{gateway: {$include: './gateway.json5'}}"))
                .isEqualTo("has no gateway.auth.token (it uses $include, which crewstream does not follow)");
        assertThat(missing("")).isEqualTo("is empty");
    }

    @Test
    void aPortOpenclawWouldIgnoreIsIgnored() {
        assertThat(((OpenClawConfig.Found) parse("{gateway: {port: 'abc'}}")).port()).isNull();
        assertThat(((OpenClawConfig.Found) parse("{gateway: {port: 70000}}")).port()).isNull();
    }

    @Test
    void aMalformedFileIsUnusableAndItsReasonNeverQuotesTheText() {
        // A token written without quotes: the parser's own message would quote it.
        OpenClawConfig config = parse("{\n  gateway: { auth: { token: " + SECRET + " } }\n}");

        assertThat(config).isInstanceOf(OpenClawConfig.Unusable.class);
        String why = ((OpenClawConfig.Unusable) config).why();
        assertThat(why).startsWith("is not valid JSON5 (line 2, column ").doesNotContain(SECRET);
        assertThat(parse("[1, 2]")).isEqualTo(new OpenClawConfig.Unusable(FILE, "is not a JSON5 object"));
    }

    @Test
    void readingTellsAMissingFileFromAnUnreadableOne() throws Exception {
        Path absent = this.folder.resolve("openclaw.json");
        assertThat(OpenClawConfigFile.read(absent, Map.<String, String>of()::get))
                .isEqualTo(new OpenClawConfig.Absent(absent));

        Path directory = Files.createDirectories(this.folder.resolve("a-directory.json"));
        assertThat(OpenClawConfigFile.read(directory, Map.<String, String>of()::get))
                .isEqualTo(new OpenClawConfig.Unusable(directory, "cannot be read: IOException"));

        Path file = Files.writeString(this.folder.resolve("real.json"), "{gateway: {auth: {token: 'x'}}}");
        assertThat(token(OpenClawConfigFile.read(file, Map.<String, String>of()::get))).isEqualTo("x");
    }

    private static OpenClawConfig parse(String text) {
        return parse(text, Map.of());
    }

    private static OpenClawConfig parse(String text, Map<String, String> environment) {
        return OpenClawConfigFile.parse(FILE, text, environment::get);
    }

    private static String token(OpenClawConfig config) {
        FileToken token = ((OpenClawConfig.Found) config).token();
        assertThat(token).isInstanceOf(FileToken.Present.class);
        return ((FileToken.Present) token).token().reveal();
    }

    private static String missing(String text) {
        FileToken token = ((OpenClawConfig.Found) parse(text)).token();
        assertThat(token).isInstanceOf(FileToken.Missing.class);
        return ((FileToken.Missing) token).why();
    }
}

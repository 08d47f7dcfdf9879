package io.crewstream.ingestor.config;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local gateway's address and token, taken as OpenClaw takes them: a home directory with
 * {@code .openclaw/openclaw.json} in a temporary folder and an environment given as a map.
 */
class LocalOpenClawTest {

    private static final String FILE_TOKEN = "token-in-the-file";
    private static final String VARIABLE_TOKEN = "token-in-the-variable";

    @TempDir
    Path home;

    private final Map<String, String> environment = new HashMap<>();
    private Path configFile;

    @BeforeEach
    void homeOfItsOwn() {
        this.environment.put("HOME", this.home.toString());
        this.configFile = this.home.resolve(".openclaw/openclaw.json");
    }

    @Test
    void withTheUsualConfigTheGatewayIsOnItsPortAndSignsInWithItsToken() throws Exception {
        writeConfig("{gateway: {port: 19001, auth: {mode: 'token', token: '" + FILE_TOKEN + "'}}}");

        LocalOpenClaw openClaw = openClaw();
        LocalOpenClaw.Address address = openClaw.address();
        LocalOpenClaw.TokenLookup.Found token = found(openClaw.token(address.url()));

        assertThat(address.url()).hasToString("ws://127.0.0.1:19001");
        assertThat(address.origin()).isEqualTo("port from " + this.configFile);
        assertThat(token.token().reveal()).isEqualTo(FILE_TOKEN);
        assertThat(token.origin()).isEqualTo("token from " + this.configFile);
    }

    @Test
    void thePortVariableWinsOverTheFileAndTheDefaultIs18789() throws Exception {
        writeConfig("{gateway: {port: 19001, tls: {enabled: true}}}");
        this.environment.put("OPENCLAW_GATEWAY_PORT", "19555");

        assertThat(openClaw().address()).isEqualTo(
                new LocalOpenClaw.Address(URI.create("wss://127.0.0.1:19555"), "port from $OPENCLAW_GATEWAY_PORT"));

        this.environment.remove("OPENCLAW_GATEWAY_PORT");
        Files.delete(this.configFile);
        assertThat(openClaw().address())
                .isEqualTo(new LocalOpenClaw.Address(URI.create("ws://127.0.0.1:18789"), "OpenClaw's default port"));
    }

    @Test
    void theFileTokenWinsOverTheVariableAsInTheGatewayAndTheLineSaysTheyDiffer() throws Exception {
        writeConfig("{gateway: {auth: {token: '" + FILE_TOKEN + "'}}}");
        this.environment.put("OPENCLAW_GATEWAY_TOKEN", VARIABLE_TOKEN);

        LocalOpenClaw.TokenLookup.Found token = found(openClaw().token(URI.create("ws://localhost:18789")));

        assertThat(token.token().reveal()).isEqualTo(FILE_TOKEN);
        assertThat(token.origin()).isEqualTo("token from " + this.configFile
                + " ($OPENCLAW_GATEWAY_TOKEN differs and is ignored, as the gateway itself does)");
    }

    @Test
    void withoutATokenInTheFileTheVariableIsUsed() throws Exception {
        writeConfig("{gateway: {port: 18789}}");
        this.environment.put("OPENCLAW_GATEWAY_TOKEN", " " + VARIABLE_TOKEN + "\n");

        LocalOpenClaw.TokenLookup.Found token = found(openClaw().token(URI.create("ws://127.0.0.1:18789")));

        assertThat(token.token().reveal()).isEqualTo(VARIABLE_TOKEN);
        assertThat(token.origin()).isEqualTo("token from $OPENCLAW_GATEWAY_TOKEN");
    }

    @Test
    void theFileTokenGoesOnlyToTheGatewayTheFileConfigures() throws Exception {
        writeConfig("{gateway: {port: 18789, auth: {token: '" + FILE_TOKEN + "'}}}");

        assertThat(openClaw().token(URI.create("wss://gateway.example:18789"))).isEqualTo(new LocalOpenClaw.TokenLookup
                .NotFound("$OPENCLAW_GATEWAY_TOKEN is not set and the local OpenClaw's token is only sent to its "
                        + "own gateway, on this machine"));
        assertThat(openClaw().token(URI.create("ws://127.0.0.1:19999"))).as("another gateway on this machine")
                .isEqualTo(new LocalOpenClaw.TokenLookup.NotFound("$OPENCLAW_GATEWAY_TOKEN is not set and the local "
                        + "OpenClaw's token is only sent to its own gateway, at ws://127.0.0.1:18789"));
        assertThat(found(openClaw().token(URI.create("ws://[::1]:18789"))).token().reveal()).isEqualTo(FILE_TOKEN);
    }

    @Test
    void whyThereIsNoTokenNamesTheFileAndWhatIsWrongWithIt() throws Exception {
        URI local = URI.create("ws://127.0.0.1:18789");
        assertThat(openClaw().token(local)).isEqualTo(new LocalOpenClaw.TokenLookup.NotFound(
                "$OPENCLAW_GATEWAY_TOKEN is not set and " + this.configFile + " does not exist"));

        writeConfig("{gateway: {auth: {mode: 'password', password: 'pw'}}}");
        assertThat(openClaw().token(local)).isEqualTo(new LocalOpenClaw.TokenLookup.NotFound(
                "$OPENCLAW_GATEWAY_TOKEN is not set and " + this.configFile
                        + " sets gateway.auth.mode to password (crewstream signs in with a token)"));

        writeConfig("{gateway: {auth: {token: '" + FILE_TOKEN + "'}");
        LocalOpenClaw openClaw = openClaw();
        assertThat(openClaw.token(local)).isEqualTo(new LocalOpenClaw.TokenLookup.NotFound(
                "$OPENCLAW_GATEWAY_TOKEN is not set and " + this.configFile + " is not valid JSON5 (line 1, column 46)"));
        assertThat(openClaw.configProblem()).hasValue("OpenClaw config " + this.configFile
                + " is not valid JSON5 (line 1, column 46): its gateway port and token are not used");
    }

    @Test
    void theFileIsReadOnceAndOnlyWhenAnAnswerNeedsIt() {
        AtomicInteger reads = new AtomicInteger();
        this.environment.put("OPENCLAW_GATEWAY_PORT", "18789");
        LocalOpenClaw openClaw = new LocalOpenClaw(this.environment::get, () -> {
            reads.incrementAndGet();
            return new OpenClawConfig.Absent(this.configFile);
        });

        openClaw.token(URI.create("wss://gateway.example"));
        assertThat(reads).as("a remote gateway's token is never in the local file").hasValue(0);
        assertThat(openClaw.configProblem()).isEmpty();

        openClaw.address();
        openClaw.token(URI.create("ws://127.0.0.1:18789"));
        openClaw.token(URI.create("ws://127.0.0.1:18789"));
        assertThat(reads).hasValue(1);
    }

    private LocalOpenClaw openClaw() {
        return LocalOpenClaw.of(this.environment::get, Path.of("/nonexistent-platform-home"));
    }

    private void writeConfig(String text) throws Exception {
        Files.createDirectories(this.configFile.getParent());
        Files.writeString(this.configFile, text);
    }

    private static LocalOpenClaw.TokenLookup.Found found(LocalOpenClaw.TokenLookup lookup) {
        assertThat(lookup).isInstanceOf(LocalOpenClaw.TokenLookup.Found.class);
        return (LocalOpenClaw.TokenLookup.Found) lookup;
    }
}

package io.crewstream.local;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

import io.crewstream.local.support.FreePorts;
import io.crewstream.local.support.Launcher;
import io.crewstream.local.support.RealOpenClaw;
import io.crewstream.local.support.SseClient;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.JsonNodeFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ./crewstream} next to a local OpenClaw needs no configuration: the launcher's jar in its own process, with
 * no gateway token, port or crewstream setting in its environment, finds the gateway's port and token in OpenClaw's
 * own config file, says so in one line (without the token), connects, and the gateway's sessions reach the
 * dashboard. With the simulator behind a {@code ~/.openclaw/openclaw.json} (always runs; a malformed one is one
 * warning and OpenClaw's variables still work), and with a real
 * {@code openclaw} gateway started on a config file of its own, found through {@code OPENCLAW_CONFIG_PATH} (SKIPPED,
 * saying so, when the gateway is not installed).
 */
class ZeroConfigLauncherIT {

    private static final Duration PATIENCE = Duration.ofSeconds(180);
    private static final Duration GATEWAY_START = Duration.ofSeconds(300);

    @TempDir
    Path folder;

    @Test
    void nextToAGatewayConfiguredInHomeTheLauncherConnectsWithTheTokenFromItsConfigFile() throws Exception {
        String token = "sim-token-" + UUID.randomUUID();
        int gatewayPort = FreePorts.next();
        Path home = this.folder.resolve("home");
        Path config = Files.createDirectories(home.resolve(".openclaw")).resolve("openclaw.json");
        // As a person writes it: JSON5 with comments, unquoted keys, single quotes and trailing commas.
        Files.writeString(config, """
                // OpenClaw's config, where OpenClaw looks for it by default
                {
                  gateway: {
                    mode: 'local',
                    port: %d,
                    bind: "loopback",
                    auth: { mode: "token", token: '%s', },
                  },
                }
                """.formatted(gatewayPort, token));
        try (OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(token)
                .withPort(gatewayPort))) {
            gateway.sessions().create("agent:main:zero-config",
                    JsonNodeFactory.instance.objectNode().put("label", "zero config"));
            gateway.start();

            List<String> output = runLauncherUntilTheSessionArrives(
                    environment -> environment.put("HOME", home.toString()), "agent:main:zero-config");

            assertThat(output).contains("crewstream: Upstream 'local': gateway ws://127.0.0.1:" + gatewayPort
                    + " (port from " + config + "), token from " + config);
            assertThat(output).anyMatch(line -> line.startsWith("crewstream: Upstream 'local' connected to "
                    + "ws://127.0.0.1:" + gatewayPort + " (OpenClaw 2026.9.6-sim)"));
            assertThat(String.join("\n", output)).doesNotContain(token);
        }
    }

    @Test
    void aMalformedConfigFileIsOneWarningAndThePortAndTokenVariablesAreUsedInstead() throws Exception {
        String token = "sim-token-" + UUID.randomUUID();
        String fileSecret = "file-secret-" + UUID.randomUUID();
        int gatewayPort = FreePorts.next();
        Path home = this.folder.resolve("home");
        Path config = Files.createDirectories(home.resolve(".openclaw")).resolve("openclaw.json");
        // The token without quotes: not JSON5, and a parser's message would quote it.
        Files.writeString(config, "{\n  gateway: { auth: { token: " + fileSecret + " } }\n}\n");
        try (OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(token)
                .withPort(gatewayPort))) {
            gateway.sessions().create("agent:main:from-variables",
                    JsonNodeFactory.instance.objectNode().put("label", "from variables"));
            gateway.start();

            List<String> output = runLauncherUntilTheSessionArrives(environment -> {
                environment.put("HOME", home.toString());
                environment.put("OPENCLAW_GATEWAY_PORT", Integer.toString(gatewayPort));
                environment.put("OPENCLAW_GATEWAY_TOKEN", token);
            }, "agent:main:from-variables");

            assertThat(output).filteredOn(line -> line.contains("OpenClaw config")).singleElement().asString()
                    .contains("WARN").contains("OpenClaw config " + config + " is not valid JSON5 (line 2, column ")
                    .endsWith("): its gateway port and token are not used");
            assertThat(output).contains("crewstream: Upstream 'local': gateway ws://127.0.0.1:" + gatewayPort
                    + " (port from $OPENCLAW_GATEWAY_PORT), token from $OPENCLAW_GATEWAY_TOKEN");
            assertThat(String.join("\n", output)).doesNotContain(token).doesNotContain(fileSecret);
        }
    }

    @Test
    void nextToARealGatewayTheLauncherConnectsWithTheTokenFromTheGatewaysOwnConfigFile() throws Exception {
        Path installation = RealOpenClaw.installation().orElse(null);
        Assumptions.assumeTrue(installation != null, "SKIPPED: no real OpenClaw gateway installed in .cache/openclaw "
                + "(or $OPENCLAW_CACHE_DIR); scripts/real-gateway.sh install puts it there, as .ci/run does");
        String token = "real-token-" + UUID.randomUUID();
        int gatewayPort = FreePorts.next();
        try (RealOpenClaw gateway = RealOpenClaw.start(installation, this.folder.resolve("openclaw"), """
                // The gateway's only source of port and token: nothing on its command line or environment.
                {
                  gateway: {
                    mode: "local",
                    port: %d,
                    bind: "loopback",
                    auth: { mode: "token", token: "%s", },
                  },
                }
                """.formatted(gatewayPort, token))) {
            await().atMost(GATEWAY_START).pollInterval(Duration.ofSeconds(1)).until(() -> gateway.isReady(gatewayPort));
            String key = "agent:main:crewstream-zero-config";
            gateway.call("sessions.create", "{\"key\":\"" + key + "\",\"label\":\"zero config\"}");

            // Only where OpenClaw's config is, as in a shell where `openclaw` runs; an empty home besides.
            Path emptyHome = Files.createDirectories(this.folder.resolve("launcher-home"));
            List<String> output = runLauncherUntilTheSessionArrives(environment -> {
                environment.put("HOME", emptyHome.toString());
                environment.put("OPENCLAW_CONFIG_PATH", gateway.configFile().toString());
            }, key);

            assertThat(output).contains("crewstream: Upstream 'local': gateway ws://127.0.0.1:" + gatewayPort
                    + " (port from " + gateway.configFile() + "), token from " + gateway.configFile());
            assertThat(output).anyMatch(line -> line.startsWith("crewstream: Upstream 'local' connected to "
                    + "ws://127.0.0.1:" + gatewayPort + " (OpenClaw 2026.9.6)"));
            assertThat(String.join("\n", output)).doesNotContain(token);
        }
    }

    /**
     * Starts {@code ./crewstream} (no {@code --demo}) with nothing about the gateway in its environment but what
     * {@code environment} adds, waits for its "Ready" line and for {@code sessionKey} on the dashboard's stream,
     * stops it, and returns everything it printed.
     */
    private List<String> runLauncherUntilTheSessionArrives(Consumer<Map<String, String>> environment,
            String sessionKey) throws Exception {
        int dashboardPort = FreePorts.next();
        int kafkaPort = Launcher.freePortPair();
        Path workingDirectory = Files.createDirectories(this.folder.resolve("run"));
        Launcher launcher = Launcher.start(workingDirectory, variables -> {
            variables.keySet().removeIf(name -> name.startsWith("OPENCLAW_") || name.startsWith("CREWSTREAM_"));
            variables.remove("KAFKA_BOOTSTRAP_SERVERS");
            environment.accept(variables);
        }, "--port", Integer.toString(dashboardPort), "--kafka-port", Integer.toString(kafkaPort));
        try {
            await().atMost(PATIENCE).until(() -> launcher.output().stream()
                    .anyMatch(line -> line.contains("crewstream: Ready in")) || !launcher.isAlive());
            assertThat(launcher.isAlive()).as(String.join("\n", launcher.output())).isTrue();
            try (SseClient browser = SseClient.connect(dashboardPort)) {
                await().atMost(PATIENCE).until(() -> browser.knownSessionKeys().contains(sessionKey));
            }
        }
        finally {
            launcher.close();
        }
        return launcher.output();
    }
}

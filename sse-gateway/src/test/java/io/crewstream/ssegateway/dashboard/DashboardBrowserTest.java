package io.crewstream.ssegateway.dashboard;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.schemas.records.ActivityError;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.AgentTool;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.SseGatewayProperties;
import io.crewstream.ssegateway.security.ApiSecurityConfiguration;
import io.crewstream.ssegateway.state.TableReader;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.ssegateway.support.TestTokens;
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
import org.openqa.selenium.Cookie;
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

    private static final String LAB = "lab";

    private static final String MAIN_SESSION = "agent:main:main";

    /** Long enough to sign in and see the page live, short enough to expire while the test watches. */
    private static final Duration SHORT_LIVED = Duration.ofSeconds(12);

    private static final String EVENTS_SENT = "crewstream.sse.events.sent";

    private static final Pattern DURATION = Pattern.compile("for (?:(\\d+) min )?(\\d+) s");

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
        // The gateway's run status "running" is CrewHub's "active": a run in progress, what it does not known yet.
        assertThat(row("agent:main:alpha").get(0).getText()).contains("Alpha", "claude-sonnet-4", "Running");
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
    void agentCardGoesFromIdleToRunningAToolForAsLongAsItRunsAndBackAndAnAgentWithoutSessionsHasOneToo() {
        long now = System.currentTimeMillis();
        this.tables.connection(LOCAL, UpstreamState.CONNECTED, now);
        this.tables.created(LOCAL, MAIN_SESSION);
        this.tables.activity(activity(LOCAL, MAIN_SESSION, ActivityState.IDLE, null, now, null, 1));
        this.tables.agent(TableTopics.agent(LOCAL, "main", ActivityState.IDLE, counts(1, 0, 0, 0), null, null, 1));
        this.tables.agent(TableTopics.agent(LOCAL, "reviewer", ActivityState.IDLE, AgentSessionCounts.NONE, null,
                null, 1));
        open(startGateway());

        eventually().until(() -> "Idle".equals(cardStatus(LOCAL, "main"))
                && card(LOCAL, "main").getText().contains("1 session: 1 idle")
                && sessionStatus(MAIN_SESSION).equals("Idle")
                && counts(LOCAL).equals("Sessions: 0 running · 1 idle · 0 errors · 2 agents"));
        eventually().until(() -> "Idle".equals(cardStatus(LOCAL, "reviewer"))
                && card(LOCAL, "reviewer").getText().contains("No sessions"));
        HeadlessChromium.screenshot(this.browser, "12-agents-idle");

        long toolStarted = System.currentTimeMillis() - 3_000;
        this.tables.activity(activity(LOCAL, MAIN_SESSION, ActivityState.RUNNING_TOOL, "exec", toolStarted, null, 2));
        this.tables.agent(TableTopics.agent(LOCAL, "main", ActivityState.RUNNING_TOOL, counts(0, 0, 1, 0),
                new AgentTool(MAIN_SESSION, "exec", toolStarted), null, 2));

        eventually().until(() -> "Running tool".equals(cardStatus(LOCAL, "main"))
                && cardTool(LOCAL, "main").startsWith("Tool exec for ")
                && card(LOCAL, "main").getText().contains("1 session: 1 running a tool")
                && sessionStatus(MAIN_SESSION).startsWith("Running tool: exec for ")
                && counts(LOCAL).equals("Sessions: 1 running · 0 idle · 0 errors · 2 agents"));
        assertThat(card(LOCAL, "main").getAttribute("data-status")).isEqualTo("running-tool");
        // Nothing is sent while the tool runs: the page counts the seconds itself (re-renders after the flashes end
        // would have shown about 5 s).
        eventually().until(() -> secondsIn(cardTool(LOCAL, "main")) >= 8
                && secondsIn(sessionStatus(MAIN_SESSION)) >= 8);
        HeadlessChromium.screenshot(this.browser, "13-agent-running-a-tool");

        this.tables.activity(activity(LOCAL, MAIN_SESSION, ActivityState.IDLE, null, System.currentTimeMillis(), null,
                3));
        this.tables.agent(TableTopics.agent(LOCAL, "main", ActivityState.IDLE, counts(1, 0, 0, 0), null, null, 3));

        eventually().until(() -> "Idle".equals(cardStatus(LOCAL, "main"))
                && card(LOCAL, "main").findElements(By.cssSelector(".tool")).isEmpty()
                && sessionStatus(MAIN_SESSION).equals("Idle")
                && counts(LOCAL).equals("Sessions: 0 running · 1 idle · 0 errors · 2 agents"));
        HeadlessChromium.screenshot(this.browser, "14-agent-idle-again");

        ActivityError rateLimited = new ActivityError("rate_limit", System.currentTimeMillis(), "run-2", null);
        this.tables.activity(activity(LOCAL, MAIN_SESSION, ActivityState.ERROR, null, rateLimited.at(), rateLimited,
                4));
        this.tables.agent(TableTopics.agent(LOCAL, "main", ActivityState.ERROR, counts(0, 0, 0, 1), null,
                new ActivityError("rate_limit", rateLimited.at(), "run-2", MAIN_SESSION), 4));

        eventually().until(() -> "Error".equals(cardStatus(LOCAL, "main"))
                && card(LOCAL, "main").getText().matches("(?s).*Last error: rate_limit, \\d+ s ago.*")
                && sessionStatus(MAIN_SESSION).startsWith("Error: rate_limit")
                && counts(LOCAL).equals("Sessions: 0 running · 0 idle · 1 error · 2 agents"));
        assertThat(cardStatus(LOCAL, "reviewer")).isEqualTo("Idle");
        HeadlessChromium.screenshot(this.browser, "15-agent-error");
    }

    @Test
    void countsAndCardsArePerGatewayFollowTheAgentFilterAndShowTheLastKnownStateWhileTheGatewayIsDown() {
        long now = System.currentTimeMillis();
        this.tables.connection(LOCAL, UpstreamState.CONNECTED, now);
        this.tables.connection(LAB, UpstreamState.CONNECTED, now);
        this.tables.created(LOCAL, "agent:main:a");
        this.tables.created(LOCAL, "agent:ops:b");
        this.tables.created(LAB, "agent:main:c");
        this.tables.activity(activity(LOCAL, "agent:main:a", ActivityState.RUNNING_TOOL, "browser", now, null, 1));
        this.tables.activity(activity(LOCAL, "agent:ops:b", ActivityState.IDLE, null, now, null, 1));
        ActivityError timedOut = new ActivityError("timeout", now, "run-c", null);
        this.tables.activity(activity(LAB, "agent:main:c", ActivityState.ERROR, null, now, timedOut, 1));
        this.tables.agent(TableTopics.agent(LOCAL, "main", ActivityState.RUNNING_TOOL, counts(0, 0, 1, 0),
                new AgentTool("agent:main:a", "browser", now), null, 1));
        this.tables.agent(TableTopics.agent(LOCAL, "ops", ActivityState.IDLE, counts(1, 0, 0, 0), null, null, 1));
        this.tables.agent(TableTopics.agent(LAB, "main", ActivityState.ERROR, counts(0, 0, 0, 1), null,
                new ActivityError("timeout", now, "run-c", "agent:main:c"), 1));
        open(startGateway());

        eventually().until(() -> counts(LOCAL).equals("Sessions: 1 running · 1 idle · 0 errors · 2 agents")
                && counts(LAB).equals("Sessions: 0 running · 0 idle · 1 error · 1 agent"));
        eventually().until(() -> "Running tool".equals(cardStatus(LOCAL, "main"))
                && "Error".equals(cardStatus(LAB, "main"))
                && card(LAB, "main").getText().contains("Last error: timeout"));

        this.tables.connection(LAB, UpstreamState.UNREACHABLE);

        eventually().until(() -> counts(LAB).equals("Last known: 0 running · 0 idle · 1 error · 1 agent")
                && card(LAB, "main").getAttribute("class").contains("stale")
                && card(LAB, "main").findElement(By.cssSelector(".agent-status")).getText()
                        .equals("Error (last known)"));
        assertThat(card(LOCAL, "main").getAttribute("class")).doesNotContain("stale");
        HeadlessChromium.screenshot(this.browser, "16-agents-of-an-unreachable-gateway");

        new Select(this.browser.findElement(By.id("filter-agent"))).selectByValue("ops");

        eventually().until(() -> counts(LOCAL).equals("Sessions: 0 running · 1 idle · 0 errors · 1 agent")
                && cardIds(LOCAL).equals(List.of("ops"))
                && cardIds(LAB).isEmpty());
        assertThat(this.browser.getCurrentUrl()).contains("agent=ops");
        HeadlessChromium.screenshot(this.browser, "17-agents-filtered");
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
    void bannerNamesTheIngestorInstanceHoldingTheLinkAndFollowsItToTheNextOwner() {
        this.tables.connectionOwnedBy(LOCAL, "ingestor-a");
        open(startGateway());
        eventually().until(() -> banner().getText().startsWith("Connected"));
        assertThat(banner().getText()).contains("via ingestor-a");

        this.tables.connectionOwnedBy(LOCAL, "ingestor-b");

        eventually().until(() -> banner().getText().contains("via ingestor-b"));
        assertThat(banner().getText()).doesNotContain("ingestor-a");
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
    void withAuthOnTheTokenIsAskedOnceAndSentInAHeaderNeverInAUrl() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:secret");
        open(startGateway("crewstream.sse.auth.tokens=dashboard-test-token"));
        eventually().until(() -> this.browser.findElement(By.id("auth")).isDisplayed());
        assertThat(this.browser.findElement(By.id("auth-message")).getText())
                .isEqualTo("This page needs an access token.");
        HeadlessChromium.screenshot(this.browser, "10-token-asked");

        signIn("dashboard-test-token");

        eventually().until(() -> row("agent:main:secret").size() == 1);
        this.browser.navigate().refresh();
        eventually().until(() -> row("agent:main:secret").size() == 1);
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).isFalse();
        assertThat(requestedUrls()).as("the ticket requests, at least").isNotEmpty()
                .noneMatch(url -> url.contains("dashboard-test-token"));
    }

    @Test
    void pageWhoseTokenExpiresAsksForANewOneNeverStreamsWithoutItAndThenShowsEveryChangeMadeMeanwhile() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:before");
        GatewayApp app = startGateway(jwtGateway());
        open(app);
        eventually().until(() -> this.browser.findElement(By.id("auth")).isDisplayed());

        signIn(TestTokens.hs256(TestTokens.claims("alice", List.of("*"), SHORT_LIVED)));
        eventually().until(() -> row("agent:main:before").size() == 1 && "live".equals(streamState()));
        this.tables.created(LOCAL, "agent:main:while-live");
        eventually().until(() -> row("agent:main:while-live").size() == 1);

        // The token expires: the stream ends with auth-expired and the page's renewal, with the token it holds, is
        // refused. It says why and waits for a token: it does not reconnect without one.
        await().atMost(SHORT_LIVED.plus(WAIT)).until(() -> this.browser.findElement(By.id("auth")).isDisplayed());
        assertThat(this.browser.findElement(By.id("auth-message")).getText()).startsWith(
                "Your access token has expired.");
        assertThat(streamState()).isEqualTo("unauthorized");
        assertThat(this.browser.findElement(By.id("stream-state")).getText())
                .startsWith("Not signed in — last known state below, as of ");
        assertThat(sent(app, SseEventType.AUTH_EXPIRED)).isEqualTo(1);
        assertThat(rejected(app, AuthRefusal.TOKEN_EXPIRED)).as("the renewal's ticket request").isEqualTo(1);
        HeadlessChromium.screenshot(this.browser, "18-token-expired");

        // Changes while the page holds the expired token: the table has them, the page cannot know yet.
        this.tables.created(LOCAL, "agent:main:during-renewal");
        this.tables.removed(LOCAL, "agent:main:before");
        String renewed = TestTokens.hs256(TestTokens.claims("alice", List.of("*"), Duration.ofMinutes(5)));
        await().atMost(WAIT).until(() -> {
            String sessions = app.get("/api/sessions", TestTokens.bearer(renewed)).body();
            return sessions.contains("agent:main:during-renewal") && !sessions.contains("agent:main:before");
        });
        assertThat(row("agent:main:during-renewal")).isEmpty();
        assertThat(row("agent:main:before")).as("the last known state stays, marked as not live").hasSize(1);
        assertThat(this.browser.findElement(By.id("gateways")).getAttribute("data-following")).isEqualTo("false");
        assertThat(app.registeredClients()).as("no stream is open without valid credentials").isZero();

        signIn(renewed);

        eventually().until(() -> row("agent:main:during-renewal").size() == 1 && row("agent:main:before").isEmpty());
        assertThat(streamState()).isEqualTo("resumed");
        assertThat(eventLog()).as("resumed from the last id: the missed changes arrive as changes")
                .contains("session-created " + LOCAL + " agent:main:during-renewal",
                        "session-removed " + LOCAL + " agent:main:before");
        this.tables.created(LOCAL, "agent:main:after");
        eventually().until(() -> row("agent:main:after").size() == 1);
        assertThat(row("agent:main:while-live")).hasSize(1);
        assertThat(this.browser.findElement(By.id("gateways")).getAttribute("data-following")).isEqualTo("true");
        assertThat(app.registeredClients()).isEqualTo(1);
        assertThat(authRefusals(app)).as("the first ticket request, before any token was given, and the renewal "
                + "with the expired token: never a stream without credentials, a token in a URL or a ticket used twice")
                .isEqualTo(Map.of(AuthRefusal.TOKEN_MISSING.code(), 1.0, AuthRefusal.TOKEN_EXPIRED.code(), 1.0));
        HeadlessChromium.screenshot(this.browser, "19-token-renewed");
    }

    @Test
    void aRenewedTokenThatSeesOtherGatewaysStartsOverInsteadOfResuming() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.connection(LAB, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:local-session");
        this.tables.created(LAB, "agent:main:lab-session");
        GatewayApp app = startGateway(jwtGateway());
        open(app);
        eventually().until(() -> this.browser.findElement(By.id("auth")).isDisplayed());

        signIn(TestTokens.hs256(TestTokens.claims("alice", List.of(LOCAL), SHORT_LIVED)));
        eventually().until(() -> row("agent:main:local-session").size() == 1 && "live".equals(streamState()));
        assertThat(row("agent:main:lab-session")).as("outside the token's scope").isEmpty();
        await().atMost(SHORT_LIVED.plus(WAIT)).until(() -> this.browser.findElement(By.id("auth")).isDisplayed());

        // The new token may see the lab too. Its session existed all along: a resume from the last id would never
        // bring it (nothing changed there since), so the page must start over with the whole state.
        signIn(TestTokens.hs256(TestTokens.claims("alice", List.of(LOCAL, LAB), Duration.ofMinutes(5))));

        eventually().until(() -> row("agent:main:lab-session").size() == 1);
        assertThat(row("agent:main:local-session")).hasSize(1);
        this.tables.created(LAB, "agent:main:lab-later");
        eventually().until(() -> row("agent:main:lab-later").size() == 1);
    }

    @Test
    void tokenALoginProxyRenewsInTheCookieBeforeItExpiresKeepsChangesFlowingAcrossTheExpiryWithoutAskingForOne() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:before");
        GatewayApp app = startGateway(jwtGateway());
        // The page holds no token of its own: a login proxy in front sets the cookie (Selenium needs the origin open).
        this.browser.get(app.uri("/contract.js").toString());
        setTokenCookie(TestTokens.hs256(TestTokens.claims("alice", List.of("*"), SHORT_LIVED)));
        open(app);
        eventually().until(() -> row("agent:main:before").size() == 1 && "live".equals(streamState()));
        this.browser.executeScript("""
                window.crewstreamStates = [];
                new MutationObserver((records) => records.forEach((r) => window.crewstreamStates.push(r.oldValue)))
                    .observe(document.getElementById('stream-state'),
                        { attributes: true, attributeFilter: ['data-state'], attributeOldValue: true });""");

        setTokenCookie(TestTokens.hs256(TestTokens.claims("alice", List.of("*"), Duration.ofMinutes(5))));
        this.tables.created(LOCAL, "agent:main:before-expiry");
        eventually().until(() -> row("agent:main:before-expiry").size() == 1);
        await().atMost(SHORT_LIVED.plus(WAIT)).until(() -> sent(app, SseEventType.AUTH_EXPIRED) == 1);
        this.tables.created(LOCAL, "agent:main:after-expiry");

        eventually().until(() -> row("agent:main:after-expiry").size() == 1 && "resumed".equals(streamState()));
        assertThat(row("agent:main:before-expiry")).hasSize(1);
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).isFalse();
        @SuppressWarnings("unchecked")
        List<String> states = (List<String>) this.browser.executeScript("return window.crewstreamStates;");
        assertThat(states).as("the stream states the page went through after it was live").contains("renewing")
                .doesNotContain("unauthorized", "reconnecting");
        assertThat(authRefusals(app)).as("no credential refused").isEmpty();
        assertThat(app.registeredClients()).isEqualTo(1);
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
    void accessTokenGivenInThePageUrlFragmentIsKeptForTheTabAndRemovedFromTheAddressBar() {
        // The fragment form is the one to hand out: a fragment is never sent to the server, so no access log holds it.
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:fragment");
        GatewayApp app = startGateway("crewstream.sse.auth.tokens=dashboard-fragment-token");
        this.browser.get(app.uri("/?connection=" + LOCAL).toString() + "#access_token=dashboard-fragment-token");

        eventually().until(() -> row("agent:main:fragment").size() == 1);
        assertThat(this.browser.getCurrentUrl()).doesNotContain("access_token", "dashboard-fragment-token")
                .contains("connection=" + LOCAL);
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).isFalse();
    }

    @Test
    void theTokenGivenOnOnePageOpensTheOthersOfTheSameTabAndEachSendsItInAHeader() {
        this.tables.connection(LOCAL, UpstreamState.CONNECTED);
        this.tables.created(LOCAL, "agent:main:secret");
        this.broker.createTopics(List.of(Topic.AGENT_USAGE.newTopic(new TopicNamespace(this.tables.prefix()), 1,
                (short) 1)));
        // A JWT: the gateway refuses one in a URL, so each page must send it in the Authorization header.
        GatewayApp app = startGateway(jwtGateway());
        this.browser.get(app.uri("/usage").toString());
        eventually().until(() -> this.browser.findElement(By.id("auth")).isDisplayed());
        signIn(TestTokens.hs256(TestTokens.claims("alice", List.of("*"), Duration.ofMinutes(5))));
        eventually().until(() -> "live".equals(this.browser.findElement(By.id("usage-state"))
                .getAttribute("data-state")));

        this.browser.get(app.uri("/").toString());
        eventually().until(() -> row("agent:main:secret").size() == 1);
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).isFalse();

        this.browser.get(app.uri("/replay").toString());
        eventually().until(() -> new Select(this.browser.findElement(By.id("replay-connection")))
                .getOptions().stream().anyMatch(option -> LOCAL.equals(option.getAttribute("value"))));
        assertThat(this.browser.findElement(By.id("auth")).isDisplayed()).isFalse();
        assertThat(authRefusals(app)).as("only the usage page's first requests, before the token was given")
                .containsOnlyKeys(AuthRefusal.TOKEN_MISSING.code());
    }

    private GatewayApp startGateway(String... properties) {
        this.gateway = GatewayApp.start(this.broker.bootstrapServers(), this.tables.prefix(), properties);
        return this.gateway;
    }

    /** An HS256 JWT gateway whose tokens expire on the second (no clock skew). */
    private static String[] jwtGateway() {
        List<String> properties = new ArrayList<>(List.of(TestTokens.hs256Properties()));
        properties.add("crewstream.sse.auth.jwt.clock-skew=0s");
        return properties.toArray(String[]::new);
    }

    private void signIn(String token) {
        WebElement field = this.browser.findElement(By.id("auth-token"));
        field.clear();
        field.sendKeys(token);
        this.browser.findElement(By.cssSelector("#auth button[type=submit]")).click();
    }

    /** What a login proxy in front of the gateway would set. */
    private void setTokenCookie(String token) {
        this.browser.manage().addCookie(new Cookie(this.gateway.bean(SseGatewayProperties.class).auth().cookieName(),
                token, "/"));
    }

    /** Every URL the page has fetched (resource timing: requests that have ended). */
    @SuppressWarnings("unchecked")
    private List<String> requestedUrls() {
        return (List<String>) this.browser.executeScript(
                "return performance.getEntriesByType('resource').map((entry) => entry.name);");
    }

    private static double sent(GatewayApp app, SseEventType event) {
        return app.meters().find(EVENTS_SENT).tag("event", event.eventName()).counters().stream()
                .mapToDouble(counter -> counter.count()).sum();
    }

    /**
     * Refusals of credentials counted so far, by reason (not the connections Chromium opens ahead and never uses,
     * which the gateway counts as {@code request-head-timeout}).
     */
    private static Map<String, Double> authRefusals(GatewayApp app) {
        return Arrays.stream(AuthRefusal.values()).filter(refusal -> rejected(app, refusal) > 0)
                .collect(Collectors.toMap(AuthRefusal::code, refusal -> rejected(app, refusal)));
    }

    private static double rejected(GatewayApp app, AuthRefusal refusal) {
        return app.meters().find(ApiSecurityConfiguration.REJECTED_METRIC).tag("reason", refusal.code()).counters()
                .stream().mapToDouble(counter -> counter.count()).sum();
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

    private WebElement card(String connectionId, String agentId) {
        return this.browser.findElement(By.cssSelector("section.gateway[data-connection='" + connectionId
                + "'] .agent-card[data-agent='" + agentId + "']"));
    }

    private List<String> cardIds(String connectionId) {
        return this.browser.findElements(By.cssSelector("section.gateway[data-connection='" + connectionId
                + "'] .agent-card")).stream().map(card -> card.getAttribute("data-agent")).toList();
    }

    /** The status word of an agent's card. */
    private String cardStatus(String connectionId, String agentId) {
        return card(connectionId, agentId).findElement(By.cssSelector(".agent-status .activity")).getText();
    }

    /** The card's current tool line ("Tool exec for 12 s"). */
    private String cardTool(String connectionId, String agentId) {
        return card(connectionId, agentId).findElement(By.cssSelector(".tool")).getText();
    }

    /** A gateway's counts line. */
    private String counts(String connectionId) {
        return this.browser.findElement(By.cssSelector("section.gateway[data-connection='" + connectionId
                + "'] .counts")).getText();
    }

    /** The status cell of a session's row. */
    private String sessionStatus(String key) {
        return this.browser.findElement(By.cssSelector("tr[data-key='" + key + "'] .activity-cell")).getText();
    }

    /** The number of seconds in "… for 12 s" (minutes count as 60). */
    private static long secondsIn(String text) {
        Matcher matcher = DURATION.matcher(text);
        if (!matcher.find()) {
            throw new AssertionError("no duration in '" + text + "'");
        }
        return (matcher.group(1) == null ? 0 : Long.parseLong(matcher.group(1)) * 60) + Long.parseLong(matcher.group(2));
    }

    private static AgentSessionCounts counts(long idle, long thinking, long runningTool, long error) {
        return new AgentSessionCounts(idle + thinking + runningTool + error, idle, thinking, runningTool, error);
    }

    /** A session's activity row as the projector writes it, at the times given (the page shows how long ago). */
    private static SessionActivity activity(String connectionId, String sessionKey, ActivityState state,
            String toolName, long since, ActivityError lastError, long revision) {
        return new SessionActivity(SchemaVersion.CURRENT, connectionId, sessionKey, sessionKey.split(":")[1], state,
                since, state.busy() ? "run-" + revision : null, toolName, toolName == null ? null : 1L, lastError,
                null, revision, System.currentTimeMillis());
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

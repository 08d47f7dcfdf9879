package io.crewstream.ssegateway.replay;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.testsupport.browser.HeadlessChromium;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.Timeline;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import static io.crewstream.ssegateway.support.Timeline.removal;
import static io.crewstream.ssegateway.support.Timeline.row;
import static io.crewstream.ssegateway.support.Timeline.snapshot;
import static io.crewstream.ssegateway.support.Timeline.upsert;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The replay page in real headless Chromium against a real gateway instance, over a timeline written through the
 * real broker with explicit Kafka timestamps: pick a gateway and a time, see exactly the table of that time, step to
 * the next change and back, and see the frame that caused it. Screenshots go to {@code target/dashboard-screenshots/}.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayPageBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    private static final String LOCAL = "local";

    private static final String LAB = "lab";

    private static final String ALPHA = "agent:main:alpha";

    private static final String BETA = "agent:ops:beta";

    private static final String GAMMA = "agent:main:gamma";

    private static final Instant T0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(3));

    private Timeline timeline;

    private GatewayApp gateway;

    private ChromeDriver browser;

    private static Instant t(long seconds) {
        return T0.plusSeconds(seconds);
    }

    @BeforeAll
    void writeTimelineAndStart(KafkaBroker broker) {
        HeadlessChromium.assumeInstalled();
        this.timeline = Timeline.create(broker, "replay-page");
        this.timeline.known(LAB);
        this.timeline.known(LOCAL);
        this.timeline.status(t(0), LOCAL, UpstreamState.CONNECTED);
        this.timeline.event(t(1), snapshot(LOCAL, "s1", row(ALPHA, "running", "label", "Alpha", "model",
                "claude-sonnet-4"), row(BETA, "queued", "label", "Beta")));
        this.timeline.event(t(2), snapshot(LAB, "l1", row("agent:main:elsewhere", "running")));
        this.timeline.frame(t(10), LOCAL, "sessions.changed", 7L, "{\"type\":\"event\",\"event\":"
                + "\"sessions.changed\",\"payload\":{\"sessionKey\":\"" + ALPHA + "\"},\"seq\":7}");
        this.timeline.event(t(10), upsert(LOCAL, row(ALPHA, "done", "label", "Alpha", "model", "claude-sonnet-4"), 7));
        this.timeline.frame(t(20), LOCAL, "sessions.changed", 8L, "{\"type\":\"event\",\"event\":"
                + "\"sessions.changed\",\"payload\":{\"sessionKey\":\"" + BETA + "\",\"reason\":\"delete\"},"
                + "\"seq\":8}");
        this.timeline.event(t(20), removal(LOCAL, BETA, 8));
        this.timeline.status(t(25), LOCAL, UpstreamState.UNREACHABLE);
        this.timeline.status(t(28), LOCAL, UpstreamState.CONNECTED);
        this.timeline.frame(t(30), LOCAL, "sessions.changed", 9L, "{\"type\":\"event\",\"event\":"
                + "\"sessions.changed\",\"payload\":{\"sessionKey\":\"" + GAMMA + "\"},\"seq\":9}");
        this.timeline.event(t(30), upsert(LOCAL, row(GAMMA, "running", "label", "Gamma"), 9));
        this.gateway = GatewayApp.start(broker.bootstrapServers(), this.timeline.prefix());
    }

    @AfterAll
    void stop() {
        if (this.gateway != null) {
            this.gateway.close();
        }
        if (this.timeline != null) {
            this.timeline.close();
        }
    }

    @BeforeEach
    void openBrowser() {
        this.browser = HeadlessChromium.start();
    }

    @AfterEach
    void closeBrowser() {
        if (this.browser != null) {
            this.browser.quit();
        }
    }

    @Test
    void aTypedTimeShowsExactlyThatTablesRowsAndNextChangeAppliesTheNextChange() {
        open("/replay");
        chooseGateway(LOCAL);
        showTyped(t(15).toString());

        assertThat(rows()).containsExactly(ALPHA + " done", BETA + " queued");
        assertThat(this.browser.findElements(By.cssSelector("#replay-table .agent h3")))
                .extracting(WebElement::getText).containsExactly("Agent main · 1 session", "Agent ops · 1 session");
        assertThat(banner().getAttribute("data-state")).isEqualTo("connected");
        assertThat(this.browser.findElement(By.id("replay-change")).isDisplayed()).isFalse();
        assertThat(this.browser.getCurrentUrl()).contains("connection=" + LOCAL, "at=");
        HeadlessChromium.screenshot(this.browser, "replay-1-typed-time");

        this.browser.findElement(By.id("replay-next")).click();

        awaitTableAt(t(20).toString());
        assertThat(rows()).as("beta removed").containsExactly(ALPHA + " done");
        assertThat(this.browser.findElements(By.cssSelector("#replay-table tr[data-removed-key='" + BETA + "']")))
                .singleElement().satisfies(row -> assertThat(row.getAttribute("data-change")).isEqualTo("removed"));
        WebElement change = this.browser.findElement(By.id("replay-change"));
        assertThat(change.isDisplayed()).isTrue();
        assertThat(change.getAttribute("data-kind")).isEqualTo("removed");
        assertThat(change.getAttribute("data-session-key")).isEqualTo(BETA);
        assertThat(change.getAttribute("data-applied")).isEqualTo("true");
        assertThat(change.getText()).contains("Change at " + t(20), "delta delete, frame seq 8");
        awaitFrames();
        assertThat(this.browser.findElements(By.cssSelector("#replay-frames li[data-cause='true']")))
                .singleElement().satisfies(frame -> {
                    assertThat(frame.getAttribute("data-seq")).isEqualTo("8");
                    assertThat(frame.getText()).contains("\"reason\":\"delete\"");
                });
        assertThat(this.browser.findElements(By.cssSelector("#replay-frames li[data-seq]")))
                .extracting(frame -> frame.getAttribute("data-seq")).as("from 5 s before to 1 s after")
                .containsExactly("8");
        HeadlessChromium.screenshot(this.browser, "replay-2-next-change-removed");

        this.browser.findElement(By.id("replay-previous")).click();

        awaitTableAt(t(20).minusMillis(1).toString());
        assertThat(rows()).as("back to the table before the removal").containsExactly(ALPHA + " done",
                BETA + " queued");
        assertThat(change().getAttribute("data-applied")).isEqualTo("false");
        assertThat(change().getAttribute("data-session-key")).isEqualTo(BETA);
        assertThat(this.browser.findElements(By.cssSelector("#replay-table tr[data-pending='removed']")))
                .extracting(row -> row.getAttribute("data-key")).containsExactly(BETA);
        HeadlessChromium.screenshot(this.browser, "replay-3-previous-change");

        this.browser.findElement(By.id("replay-next")).click();
        awaitTableAt(t(20).toString());
        this.browser.findElement(By.id("replay-next")).click();

        awaitTableAt(t(30).toString());
        assertThat(rows()).as("gamma created").containsExactly(ALPHA + " done", GAMMA + " running");
        assertThat(this.browser.findElement(By.cssSelector("#replay-table tr[data-key='" + GAMMA + "']"))
                .getAttribute("data-change")).isEqualTo("created");
        assertThat(change().getAttribute("data-kind")).isEqualTo("created");
    }

    @Test
    void anUpdatedRowShowsItsFieldsOldToNewAndTheFrameThatCarriedIt() {
        open("/replay?connection=" + LOCAL + "&at=" + t(5));
        awaitTableAt(t(5).toString());
        assertThat(rows()).containsExactly(ALPHA + " running", BETA + " queued");

        this.browser.findElement(By.id("replay-next")).click();

        awaitTableAt(t(10).toString());
        assertThat(rows()).containsExactly(ALPHA + " done", BETA + " queued");
        WebElement alpha = this.browser.findElement(By.cssSelector("#replay-table tr[data-key='" + ALPHA + "']"));
        assertThat(alpha.getAttribute("data-change")).isEqualTo("updated");
        assertThat(alpha.getText()).contains("Alpha", "claude-sonnet-4", "done");
        assertThat(this.browser.findElement(By.cssSelector("#replay-change li[data-field='status']")).getText())
                .isEqualTo("status: running → done");
        awaitFrames();
        assertThat(this.browser.findElement(By.cssSelector("#replay-frames li[data-cause='true']"))
                .getAttribute("data-seq")).isEqualTo("7");
        HeadlessChromium.screenshot(this.browser, "replay-4-updated-fields");
    }

    @Test
    void theSliderShowsTheTableAtItsTimeWithTheGatewayStateThen() {
        open("/replay");
        chooseGateway(LOCAL);
        awaitTableAt(t(30).toString());
        WebElement slider = this.browser.findElement(By.id("replay-slider"));
        assertThat(slider.isEnabled()).isTrue();
        assertThat(Long.parseLong(slider.getAttribute("min"))).as("just before the first record")
                .isEqualTo(t(1).toEpochMilli() - 1);
        assertThat(Long.parseLong(slider.getAttribute("max"))).isEqualTo(t(30).toEpochMilli());
        assertThat(Long.parseLong(slider.getAttribute("value"))).isEqualTo(t(30).toEpochMilli());

        this.browser.executeScript("const slider = arguments[0]; slider.value = arguments[1];"
                + "slider.dispatchEvent(new Event('input')); slider.dispatchEvent(new Event('change'));", slider,
                String.valueOf(t(26).toEpochMilli()));

        awaitTableAt(t(26).toString());
        assertThat(rows()).containsExactly(ALPHA + " done");
        assertThat(banner().getAttribute("data-state")).isEqualTo("unreachable");
        assertThat(banner().getText()).startsWith("Gateway unreachable since " + isoMillis(t(25)))
                .contains("the last known 1 session");
        assertThat(this.browser.findElement(By.id("replay-time")).getAttribute("value")).isEqualTo(t(26).toString());
        HeadlessChromium.screenshot(this.browser, "replay-5-slider-outage");

        chooseGateway(LAB);
        eventually().until(() -> rows().equals(List.of("agent:main:elsewhere running")));
    }

    @Test
    void aTimeThatCannotBeReadIsSaidAndTheTableStays() {
        open("/replay?connection=" + LOCAL + "&at=" + t(15));
        awaitTableAt(t(15).toString());
        showTypedAndWait("yesterday");
        WebElement error = this.browser.findElement(By.id("replay-error"));
        eventually().until(error::isDisplayed);
        assertThat(error.getText()).startsWith("cannot read 'yesterday' as a time");
        assertThat(rows()).containsExactly(ALPHA + " done", BETA + " queued");
    }

    @Test
    void pageFitsAPhoneWidthWithoutSidewaysScrolling() {
        this.browser.manage().window().setSize(new Dimension(390, 844));
        open("/replay?connection=" + LOCAL + "&at=" + t(5));
        awaitTableAt(t(5).toString());
        this.browser.findElement(By.id("replay-next")).click();
        awaitTableAt(t(10).toString());
        awaitFrames();

        Object pageWidth = this.browser.executeScript("return document.documentElement.scrollWidth;");
        Object viewportWidth = this.browser.executeScript("return document.documentElement.clientWidth;");
        assertThat(((Number) pageWidth).intValue()).isLessThanOrEqualTo(((Number) viewportWidth).intValue());
        HeadlessChromium.screenshot(this.browser, "replay-7-phone-width");
    }

    @Test
    void theDashboardLinksToTheReplayPage() {
        open("/");
        this.browser.findElement(By.id("replay-link")).click();
        eventually().until(() -> this.browser.getCurrentUrl().endsWith("/replay"));
        eventually().until(() -> "ready".equals(state()));
        assertThat(new Select(this.browser.findElement(By.id("replay-connection"))).getOptions())
                .extracting(option -> option.getAttribute("value")).containsExactly(LAB, LOCAL);
    }

    /** An instant as the page writes it (JavaScript's {@code toISOString()}: always with milliseconds). */
    private static String isoMillis(Instant instant) {
        return DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC).format(instant);
    }

    private void open(String path) {
        this.browser.get(this.gateway.uri(path).toString());
    }

    private void showTyped(String time) {
        showTypedAndWait(time);
        awaitTableAt(time);
    }

    private void showTypedAndWait(String time) {
        eventually().until(() -> "ready".equals(state()));
        WebElement input = this.browser.findElement(By.id("replay-time"));
        input.clear();
        input.sendKeys(time);
        this.browser.findElement(By.id("replay-go")).click();
    }

    private void awaitTableAt(String at) {
        eventually().until(() -> "ready".equals(state())
                && at.equals(this.browser.findElement(By.id("replay-table")).getAttribute("data-at")));
    }

    private void awaitFrames() {
        eventually().until(() -> "ready".equals(
                this.browser.findElement(By.id("replay-frames")).getAttribute("data-state")));
    }

    private String state() {
        return this.browser.findElement(By.id("replay-state")).getAttribute("data-state");
    }

    private WebElement banner() {
        return this.browser.findElement(By.id("replay-banner"));
    }

    private WebElement change() {
        return this.browser.findElement(By.id("replay-change"));
    }

    /** "key status" of every row of the table shown, in the page's order (removed rows shown struck are not). */
    @SuppressWarnings("unchecked")
    private List<String> rows() {
        // Read in one script: the table may be re-rendered between two reads of an element.
        return (List<String>) this.browser.executeScript("return [...document.querySelectorAll("
                + "'#replay-table tr[data-key]')].map(row => row.dataset.key + ' ' + row.dataset.status);");
    }

    /** Picks a gateway once the page has listed them. */
    private void chooseGateway(String connection) {
        eventually().until(() -> !this.browser.findElements(
                By.cssSelector("#replay-connection option[value='" + connection + "']")).isEmpty());
        new Select(this.browser.findElement(By.id("replay-connection"))).selectByValue(connection);
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

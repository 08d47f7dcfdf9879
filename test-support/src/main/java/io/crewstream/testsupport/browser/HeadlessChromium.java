package io.crewstream.testsupport.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * For every browser test of the project (the dashboard, the replay and usage pages): the system's Chromium (Debian
 * packages {@code chromium} and {@code chromium-driver}), headless, driven through its own chromedriver so that
 * nothing is downloaded. {@code .ci/run} installs both; on a machine without them the browser tests are skipped with
 * a message saying so.
 */
public final class HeadlessChromium {

    public static final Path SCREENSHOTS = Path.of("target", "dashboard-screenshots");

    private static final Path BROWSER = Path.of(System.getenv().getOrDefault("CHROMIUM_BINARY", "/usr/bin/chromium"));

    private static final Path DRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver"));

    private HeadlessChromium() {
    }

    /** Skips the calling test, loudly, when the system browser or its driver is missing. */
    public static void assumeInstalled() {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            String reason = "SKIPPED: dashboard browser tests need Chromium at " + BROWSER + " and chromedriver at "
                    + DRIVER + " (apt-get install chromium chromium-driver; .ci/run does)";
            System.out.println(reason);
            Assumptions.abort(reason);
        }
    }

    public static ChromeDriver start() {
        Path profile;
        try {
            profile = Files.createTempDirectory("crewstream-chromium");
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                // This machine has no network beyond localhost: keep Chromium from trying.
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-quic", "--window-size=1280,900", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
        return driver;
    }

    public static void screenshot(ChromeDriver driver, String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

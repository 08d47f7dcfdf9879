package io.crewstream.local.tools;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.crewstream.local.cli.UsageException;
import io.crewstream.testsupport.time.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --speed}: frames let out at their original spacing, ten times faster, or at once. */
class PacerTest {

    private static final Instant T = Instant.parse("2026-12-01T21:15:00Z");

    private static List<Long> sleepsFor(String speed, long... frameOffsetsMillis) throws InterruptedException {
        // Moved forward by the sleeps, as a real clock would be.
        MovableClock clock = new MovableClock(Instant.EPOCH);
        List<Long> sleeps = new ArrayList<>();
        Pacer pacer = new Pacer(Pacer.parseSpeed(speed), millis -> {
            sleeps.add(millis);
            clock.advance(Duration.ofMillis(millis));
        }, clock);
        for (long offset : frameOffsetsMillis) {
            pacer.await(T.plusMillis(offset));
            clock.advance(Duration.ofMillis(5)); // writing the frame takes a moment
        }
        return sleeps;
    }

    @Test
    void atOneTimesFramesKeepTheirOriginalSpacing() throws InterruptedException {
        assertThat(sleepsFor("1x", 0, 1_000, 3_000)).containsExactly(995L, 1_995L);
    }

    @Test
    void atTenTimesTheSpacingIsATenth() throws InterruptedException {
        assertThat(sleepsFor("10x", 0, 1_000, 3_000)).containsExactly(95L, 195L);
    }

    @Test
    void atMaxNothingWaits() throws InterruptedException {
        assertThat(sleepsFor("max", 0, 1_000, 3_000)).isEmpty();
    }

    @Test
    void aSpeedThatIsNotOneIsAUsageError() {
        for (String bad : List.of("fast", "0x", "-1x", "x")) {
            assertThatThrownBy(() -> Pacer.parseSpeed(bad)).as(bad).isInstanceOf(UsageException.class)
                    .hasMessageContaining("--speed must be");
        }
    }
}

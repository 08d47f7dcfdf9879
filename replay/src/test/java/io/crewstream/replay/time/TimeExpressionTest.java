package io.crewstream.replay.time;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import io.crewstream.replay.ReplayException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeExpressionTest {

    private static final Instant NOW = Instant.parse("2026-12-01T21:15:00Z");

    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private static Instant parse(String text) {
        return TimeExpression.parse(text, CLOCK);
    }

    @Test
    void isoInstantsWithAZoneOrOffsetAreReadExactly() {
        assertThat(parse("2026-12-01T21:15:00Z")).isEqualTo(NOW);
        assertThat(parse("2026-12-01T22:15:00+01:00")).isEqualTo(NOW);
        assertThat(parse("2026-12-01T21:15:00.250Z")).isEqualTo(NOW.plusMillis(250));
    }

    @Test
    void epochMillisAreReadAsInstants() {
        assertThat(parse("1795398402000")).isEqualTo(Instant.ofEpochMilli(1_795_398_402_000L));
        assertThat(parse("0")).isEqualTo(Instant.EPOCH);
    }

    @Test
    void nowAndRelativeTimesCountBackFromTheClock() {
        assertThat(parse("now")).isEqualTo(NOW);
        assertThat(parse("-15m")).isEqualTo(NOW.minusSeconds(900));
        assertThat(parse("-2h")).isEqualTo(NOW.minusSeconds(7200));
        assertThat(parse("-30s")).isEqualTo(NOW.minusSeconds(30));
        assertThat(parse("-1d")).isEqualTo(NOW.minusSeconds(86_400));
        assertThat(parse("-500ms")).isEqualTo(NOW.minusMillis(500));
    }

    @Test
    void anythingElseIsABadTimeThatSaysHowToWriteOne() {
        for (String bad : new String[] { "", "yesterday", "2026-13-01T00:00:00Z", "-15x", "15 minutes", "-1h30m",
                "2026-12-01 21:15" }) {
            assertThatThrownBy(() -> parse(bad)).as(bad).isInstanceOf(ReplayException.class)
                    .hasMessageContaining("as a time")
                    .extracting(ex -> ((ReplayException) ex).reason()).isEqualTo(ReplayException.Reason.BAD_TIME);
        }
    }

    @Test
    void aTimeOutsideTheYears0000To9999IsABadTimeRatherThanAnOverflow() {
        for (String far : new String[] { "+999999999-12-31T00:00:00Z", "-999999999-01-01T00:00:00Z",
                "+10000-01-01T00:00:00Z", "-0001-12-31T23:59:59Z", "999999999999999", "-999999999d" }) {
            assertThatThrownBy(() -> parse(far)).as(far).isInstanceOf(ReplayException.class)
                    .hasMessageContaining("outside the years 0000 to 9999")
                    .extracting(ex -> ((ReplayException) ex).reason()).isEqualTo(ReplayException.Reason.BAD_TIME);
        }
        assertThat(parse("9999-12-31T23:59:59.999Z").toEpochMilli()).isEqualTo(253_402_300_799_999L);
        assertThat(parse("0000-01-01T00:00:00Z").toEpochMilli()).isEqualTo(-62_167_219_200_000L);
    }

    @Test
    void aLocalTimeWithoutAZoneIsRefusedWithTheFix() {
        assertThatThrownBy(() -> parse("2026-12-01T21:15:00")).hasMessageContaining("2026-12-01T21:15:00Z");
    }

    @Test
    void aPositiveRelativeTimeIsRefusedWithTheFix() {
        assertThatThrownBy(() -> parse("15m")).hasMessageContaining("-15m");
    }
}

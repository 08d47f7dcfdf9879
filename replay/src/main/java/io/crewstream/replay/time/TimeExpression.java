package io.crewstream.replay.time;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crewstream.replay.ReplayException;

/**
 * The times a person types at the replay commands and page, read as instants:
 *
 * <ul>
 * <li>ISO-8601 with a zone or offset: {@code 2026-12-01T21:15:00Z}, {@code 2026-12-01T22:15:00.250+01:00};</li>
 * <li>epoch milliseconds: {@code 1795398402000};</li>
 * <li>{@code now}, or relative to now: {@code -15m}, {@code -2h}, {@code -30s}, {@code -1d} (also {@code 90s},
 * {@code -1h30m} is not: one number and one unit).</li>
 * </ul>
 *
 * A local time without an offset is refused rather than guessed: the same text would mean different instants on the
 * laptop and on the server. Stateless; the clock is the caller's.
 */
public final class TimeExpression {

    private static final Pattern RELATIVE = Pattern.compile("-?(\\d{1,9})(ms|s|m|h|d)");

    private static final Pattern EPOCH_MILLIS = Pattern.compile("\\d{1,15}");

    /**
     * The times accepted: ISO-8601's four-digit years. Far inside the epoch-millisecond range, which the questions
     * need (Kafka timestamps, seeks) with room to spare: they add a minute past an instant and look back centuries
     * before one, and either would overflow at the range's very edge.
     */
    private static final Instant EARLIEST = Instant.parse("0000-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

    private TimeExpression() {
    }

    /**
     * @throws ReplayException ({@link ReplayException.Reason#BAD_TIME}) for anything else, and for a time outside
     *     the years 0000 to 9999
     */
    public static Instant parse(String text, Clock clock) {
        Instant instant = read(text, clock);
        if (instant.isBefore(EARLIEST) || instant.isAfter(LATEST)) {
            throw bad(text, "it is outside the years 0000 to 9999");
        }
        return instant;
    }

    private static Instant read(String text, Clock clock) {
        if (text == null || text.isBlank()) {
            throw bad(text, "a time is needed");
        }
        String value = text.trim();
        if (value.equalsIgnoreCase("now")) {
            return clock.instant();
        }
        Matcher relative = RELATIVE.matcher(value);
        if (relative.matches()) {
            if (!value.startsWith("-")) {
                throw bad(text, "a relative time is in the past: write -" + value);
            }
            return clock.instant().minus(duration(Long.parseLong(relative.group(1)), relative.group(2)));
        }
        if (EPOCH_MILLIS.matcher(value).matches()) {
            return Instant.ofEpochMilli(Long.parseLong(value));
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        }
        catch (DateTimeParseException ex) {
            if (value.matches("\\d{4}-\\d{2}-\\d{2}T[0-9:.]+")) {
                throw bad(text, "give the time's zone, e.g. " + value + "Z or " + value + "+01:00");
            }
            throw bad(text, "use ISO-8601 (2026-12-01T21:15:00Z), epoch milliseconds, now, or -15m / -2h / -1d");
        }
    }

    private static Duration duration(long amount, String unit) {
        return switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private static ReplayException bad(String text, String how) {
        return new ReplayException(ReplayException.Reason.BAD_TIME,
                "cannot read '" + (text == null ? "" : text.strip()) + "' as a time: " + how);
    }
}

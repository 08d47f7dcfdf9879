package io.crewstream.local.tools;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.SessionRow;

/** How the commands spell things for people. Stateless. */
final class Text {

    private Text() {
    }

    /** UTC, millisecond precision, always the same width: lines stay aligned. */
    static String time(Instant instant) {
        return instant == null ? "-" : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.MILLIS))
                .replaceFirst("(\\d{2}:\\d{2}:\\d{2})Z$", "$1.000Z");
    }

    static String time(Long epochMillis) {
        return epochMillis == null ? "-" : time(Instant.ofEpochMilli(epochMillis));
    }

    /** At most {@code max} characters, with what was cut said. */
    static String cut(String text, int max) {
        if (text == null) {
            return "";
        }
        String line = text.replace('\n', ' ').replace('\r', ' ');
        return line.length() <= max ? line : line.substring(0, max) + "… (" + line.length() + " chars)";
    }

    static String pad(String text, int width) {
        String value = text == null ? "" : text;
        return value.length() >= width ? value + " " : value + " ".repeat(width - value.length());
    }

    /** {@code connected since 2026-12-01T21:10:02.000Z (OpenClaw 2026.9.6)}, or the reason it is not. */
    static String status(ConnectionStatusEvent status) {
        if (status == null) {
            return "no status written yet";
        }
        StringBuilder text = new StringBuilder(status.state().wireName()).append(" since ").append(time(status.since()));
        if (status.reason() != null) {
            text.append(": ").append(cut(status.reason(), 120));
            if (status.reasonCode() != null) {
                text.append(" [").append(status.reasonCode()).append(']');
            }
        }
        if (status.gatewayVersion() != null) {
            text.append(" (OpenClaw ").append(status.gatewayVersion()).append(')');
        }
        return text.toString();
    }

    static String agent(SessionRow row) {
        return row.agentId() == null ? "-" : row.agentId();
    }

    static String number(Long value) {
        return value == null ? "-" : Long.toString(value);
    }
}

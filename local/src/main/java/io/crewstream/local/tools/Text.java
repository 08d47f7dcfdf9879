package io.crewstream.local.tools;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

import io.crewstream.replay.table.FieldChange;
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

    /**
     * {@code connected since 2026-12-01T21:10:02.000Z (OpenClaw 2026.9.6) via ingestor-a}, or the reason it is not;
     * "via" names the ingestor instance that held the link, when the status says.
     */
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
        if (status.owner() != null) {
            text.append(" via ").append(status.owner());
        }
        if (status.kafkaOutage() != null) {
            text.append("; the ingestor could not write to Kafka from ").append(time(status.kafkaOutage().from()))
                    .append(" to ").append(time(status.kafkaOutage().to())).append(" (")
                    .append(status.kafkaOutage().failedRecords()).append(" records lost across all connections; ")
                    .append("the sessions are replaced by a snapshot, raw frames are not)");
        }
        return text.toString();
    }

    /** The fields a person looks at first; the rest follow in name order. */
    private static final List<String> FIRST_FIELDS = List.of("status", "label", "displayName", "model",
            "hasActiveRun", "totalTokens", "updatedAt");

    private static final int FIELDS_SHOWN = 6;

    /**
     * An update's changed fields, {@code status: running → done; ...}: the well-known ones first, at most
     * {@value #FIELDS_SHOWN}, then how many more (a gateway row has dozens of fields, many change together).
     */
    static String fields(List<FieldChange> changes) {
        List<FieldChange> ordered = new ArrayList<>(changes);
        ordered.sort(Comparator.comparingInt((FieldChange change) -> {
            int rank = FIRST_FIELDS.indexOf(change.field());
            return rank < 0 ? FIRST_FIELDS.size() : rank;
        }).thenComparing(FieldChange::field));
        String shown = String.join("; ", ordered.stream().limit(FIELDS_SHOWN).map(FieldChange::describe).toList());
        return ordered.size() <= FIELDS_SHOWN ? shown
                : shown + "; and " + (ordered.size() - FIELDS_SHOWN) + " more (--format jsonl shows all)";
    }

    static String agent(SessionRow row) {
        return row.agentId() == null ? "-" : row.agentId();
    }

    static String number(Long value) {
        return value == null ? "-" : Long.toString(value);
    }
}

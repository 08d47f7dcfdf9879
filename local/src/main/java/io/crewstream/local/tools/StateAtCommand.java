package io.crewstream.local.tools;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.replay.table.ConnectionTableAt;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code state-at}: the session table as it was at an instant, rebuilt from the nearest snapshot before it and the
 * changes up to it, with each gateway's connection state then. {@code table} for people; {@code jsonl} one line per
 * gateway ({@code "kind":"gateway"}) followed by one line per session ({@code "kind":"session"}, the row as the
 * dashboard receives it).
 */
final class StateAtCommand implements Command {

    @Override
    public String name() {
        return "state-at";
    }

    @Override
    public String usage() {
        return "state-at TIME [--connection ID] [--format table|jsonl]";
    }

    @Override
    public String summary() {
        return "the session table and each gateway's state as they were at a time";
    }

    @Override
    public Set<String> options() {
        return Set.of("connection", "format");
    }

    @Override
    public void run(ToolArgs args, ToolContext context) {
        Instant at = context.time(args.positional(1, "one TIME").get(0));
        boolean jsonl = args.choice("format", List.of("table", "jsonl"), "table").equals("jsonl");
        List<ConnectionTableAt> tables = context.replay().stateAt(at, args.option("connection"));
        if (tables.isEmpty()) {
            context.err().println("crewstream: no gateway is known yet");
        }
        for (ConnectionTableAt table : tables) {
            if (jsonl) {
                jsonl(table, context);
            }
            else {
                table(table, context);
            }
        }
    }

    static void table(ConnectionTableAt table, ToolContext context) {
        StringBuilder head = new StringBuilder("gateway ").append(table.connectionId()).append(" at ")
                .append(Text.time(table.at())).append(": ").append(Text.status(table.status())).append(" — ")
                .append(table.sessions().size()).append(table.sessions().size() == 1 ? " session" : " sessions");
        if (table.basis() != null) {
            head.append(", from snapshot ").append(table.basis().snapshotId(), 0,
                    Math.min(8, table.basis().snapshotId().length())).append(" (").append(table.basis().reason())
                    .append(") at ").append(Text.time(table.basis().at()));
        }
        context.out().println(head);
        if (!table.exact()) {
            context.out().println("  (no snapshot within what the topic still holds: sessions unchanged since its "
                    + "earliest record may be missing)");
        }
        if (table.sessions().isEmpty()) {
            return;
        }
        int keyWidth = Math.max(24, table.sessions().keySet().stream().mapToInt(String::length).max().orElse(0) + 1);
        context.out().println("  " + Text.pad("KEY", keyWidth) + Text.pad("AGENT", 12) + Text.pad("STATUS", 9)
                + Text.pad("MODEL", 20) + Text.pad("TOKENS", 9) + Text.pad("UPDATED", 25) + "LABEL");
        for (SessionRow row : table.sessions().values()) {
            context.out().println("  " + Text.pad(row.key(), keyWidth) + Text.pad(Text.agent(row), 12)
                    + Text.pad(row.status() == null ? "-" : row.status(), 9)
                    + Text.pad(row.model() == null ? "-" : row.model(), 20)
                    + Text.pad(Text.number(row.totalTokens()), 9) + Text.pad(Text.time(row.updatedAt()), 25)
                    + Text.cut(row.label(), 60));
        }
    }

    private static void jsonl(ConnectionTableAt table, ToolContext context) {
        Map<String, Object> gateway = new LinkedHashMap<>();
        gateway.put("kind", "gateway");
        gateway.put("connectionId", table.connectionId());
        gateway.put("at", table.at().toString());
        gateway.put("status", table.status());
        gateway.put("sessions", table.sessions().size());
        gateway.put("snapshotId", table.basis() == null ? null : table.basis().snapshotId());
        gateway.put("snapshotAt", table.basis() == null ? null : table.basis().at().toString());
        gateway.put("exact", table.exact());
        context.out().println(ContractJson.mapper().writeValueAsString(gateway));
        for (SessionRow row : table.sessions().values()) {
            ObjectNode line = ContractJson.mapper().createObjectNode();
            line.put("kind", "session");
            line.put("connectionId", table.connectionId());
            line.put("at", table.at().toString());
            line.set("session", row.fields());
            context.out().println(ContractJson.mapper().writeValueAsString(line));
        }
    }
}

package io.crewstream.local.tools;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.replay.table.FieldChange;
import io.crewstream.replay.table.TableDiff;
import io.crewstream.schemas.serde.ContractJson;

/**
 * {@code diff}: what changed in the table between two instants. {@code +} created, {@code -} removed, {@code ~}
 * updated with each changed field old → new, and every gateway whose connection state differs.
 */
final class DiffCommand implements Command {

    @Override
    public String name() {
        return "diff";
    }

    @Override
    public String usage() {
        return "diff FROM TO [--connection ID] [--format pretty|jsonl]";
    }

    @Override
    public String summary() {
        return "what changed in the table between two times: created, removed, fields old → new";
    }

    @Override
    public Set<String> options() {
        return Set.of("connection", "format");
    }

    @Override
    public void run(ToolArgs args, ToolContext context) {
        List<String> times = args.positional(2, "FROM and TO");
        Instant from = context.time(times.get(0));
        Instant to = context.time(times.get(1));
        boolean jsonl = args.choice("format", List.of("pretty", "jsonl"), "pretty").equals("jsonl");
        TableDiff diff = context.replay().diff(from, to, args.option("connection"));
        if (jsonl) {
            jsonl(diff, context);
            return;
        }
        context.out().println("from " + Text.time(from) + " to " + Text.time(to) + ": " + diff.sessions().size()
                + (diff.sessions().size() == 1 ? " session" : " sessions") + " changed");
        for (TableDiff.SessionDiff session : diff.sessions()) {
            String where = session.connectionId() + " " + session.sessionKey();
            switch (session.kind()) {
                case CREATED -> context.out().println("+ " + where + "  created"
                        + (session.after().label() == null ? "" : " (label " + session.after().label() + ")"));
                case REMOVED -> context.out().println("- " + where + "  removed");
                case UPDATED -> context.out().println("~ " + where + "  " + Text.fields(session.fields()));
            }
        }
        for (TableDiff.StateDiff state : diff.connections()) {
            context.out().println("gateway " + state.connectionId() + ": "
                    + (state.before() == null ? "(none)" : state.before().wireName()) + " → "
                    + (state.after() == null ? "(none)" : state.after().wireName()));
        }
    }

    private static void jsonl(TableDiff diff, ToolContext context) {
        for (TableDiff.SessionDiff session : diff.sessions()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("kind", "session");
            line.put("connectionId", session.connectionId());
            line.put("sessionKey", session.sessionKey());
            line.put("change", session.kind().wireName());
            line.put("fields", session.fields().stream().map(DiffCommand::field).toList());
            context.out().println(ContractJson.mapper().writeValueAsString(line));
        }
        for (TableDiff.StateDiff state : diff.connections()) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("kind", "gateway");
            line.put("connectionId", state.connectionId());
            line.put("before", state.before() == null ? null : state.before().wireName());
            line.put("after", state.after() == null ? null : state.after().wireName());
            context.out().println(ContractJson.mapper().writeValueAsString(line));
        }
    }

    static Map<String, Object> field(FieldChange change) {
        Map<String, Object> field = new LinkedHashMap<>();
        field.put("field", change.field());
        field.put("before", change.before());
        field.put("after", change.after());
        return field;
    }
}

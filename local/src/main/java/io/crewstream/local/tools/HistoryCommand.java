package io.crewstream.local.tools;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.replay.table.HistoryEntry;
import io.crewstream.replay.table.SessionHistory;
import io.crewstream.replay.table.TableChange;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.serde.ContractJson;

/**
 * {@code history}: one session's life: every change of its row with its time and cause, interleaved with the
 * upstream frames that name it (the one a change came from marked {@code ← cause}), the steps of its agent runs
 * (run-events) and its gateway's status changes. Without {@code --from}, from the start of what the topic holds; without {@code --to}, up to now.
 */
final class HistoryCommand implements Command {

    @Override
    public String name() {
        return "history";
    }

    @Override
    public String usage() {
        return "history --connection ID --session KEY [--from TIME] [--to TIME] [--format pretty|jsonl]";
    }

    @Override
    public String summary() {
        return "one session's changes, the frames that caused them, its agent runs and its gateway's status changes";
    }

    @Override
    public Set<String> options() {
        return Set.of("connection", "session", "from", "to", "format");
    }

    @Override
    public void run(ToolArgs args, ToolContext context) {
        args.positional(0, "no arguments besides its options");
        String connection = args.required("connection");
        String session = args.required("session");
        boolean jsonl = args.choice("format", List.of("pretty", "jsonl"), "pretty").equals("jsonl");
        Instant to = args.option("to") == null ? context.clock().instant() : context.time(args.option("to"));
        Instant from = args.option("from") != null ? context.time(args.option("from"))
                : earliest(context, connection, to);
        SessionHistory history = context.replay().history(connection, session, from, to);
        if (jsonl) {
            history.entries().forEach(entry -> context.out().println(ContractJson.mapper()
                    .writeValueAsString(json(entry))));
            return;
        }
        context.out().println("history of " + session + " on " + connection + ", " + Text.time(from) + " to "
                + Text.time(to));
        context.out().println("at the start: " + (history.initial() == null ? "not in the table"
                : "status " + history.initial().status() + ", updated " + Text.time(history.initial().updatedAt())));
        for (HistoryEntry entry : history.entries()) {
            context.out().println(Text.time(entry.at()) + "  " + pretty(entry));
        }
    }

    private static Instant earliest(ToolContext context, String connection, Instant to) {
        Instant earliest = context.replay().retained(Topic.SESSION_EVENTS, connection).earliest();
        return earliest == null || earliest.isAfter(to) ? to : earliest;
    }

    private static String pretty(HistoryEntry entry) {
        if (entry instanceof HistoryEntry.Change change) {
            TableChange c = change.change();
            String fields = c.fields().isEmpty() ? "" : ": " + Text.fields(c.fields());
            return Text.pad(c.kind().wireName(), 8) + "by " + c.cause().describe() + fields;
        }
        if (entry instanceof HistoryEntry.Frame frame) {
            StringBuilder line = new StringBuilder("frame   ").append(frame.frame().frameType());
            if (frame.frame().event() != null) {
                line.append(' ').append(frame.frame().event());
            }
            if (frame.frame().seq() != null) {
                line.append(" seq ").append(frame.frame().seq());
            }
            line.append("  ").append(Text.cut(frame.frame().text(), 160));
            return frame.cause() ? line.append("  ← cause").toString() : line.toString();
        }
        if (entry instanceof HistoryEntry.Run run) {
            return "run     " + run(run.event());
        }
        HistoryEntry.Status status = (HistoryEntry.Status) entry;
        return "gateway " + Text.status(status.status());
    }

    /**
     * {@code <runId> tool-started exec (call-1)}, {@code <runId> run-ended error rate_limit, 1540 tokens} (or
     * {@code 340 output tokens} when the gateway reported no total).
     */
    private static String run(RunEvent event) {
        StringBuilder line = new StringBuilder(event.runId()).append(' ').append(event.kind().wireName());
        if (event.toolName() != null) {
            line.append(' ').append(event.toolName());
        }
        if (event.toolCallId() != null) {
            line.append(" (").append(event.toolCallId()).append(')');
        }
        if (Boolean.TRUE.equals(event.toolError())) {
            line.append(" failed");
        }
        if (event.outcome() != null) {
            line.append(' ').append(event.outcome().wireName());
        }
        if (event.errorKind() != null) {
            line.append(' ').append(event.errorKind());
        }
        if (event.usage() != null && event.usage().totalTokens() != null) {
            line.append(", ").append(event.usage().totalTokens()).append(" tokens");
        }
        else if (event.usage() != null && event.usage().outputTokens() != null) {
            // What OpenClaw 2026.9.6 reports: the run's output tokens only.
            line.append(", ").append(event.usage().outputTokens()).append(" output tokens");
        }
        return line.toString();
    }

    private static Map<String, Object> json(HistoryEntry entry) {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", entry.at().toString());
        if (entry instanceof HistoryEntry.Change change) {
            TableChange c = change.change();
            line.put("kind", "change");
            line.put("change", c.kind().wireName());
            line.put("cause", c.cause().describe());
            line.put("upstreamSeq", c.cause().upstreamSeq());
            line.put("fields", c.fields().stream().map(DiffCommand::field).toList());
            line.put("session", c.after());
        }
        else if (entry instanceof HistoryEntry.Frame frame) {
            line.put("kind", "frame");
            line.put("cause", frame.cause());
            line.put("frame", frame.frame());
        }
        else if (entry instanceof HistoryEntry.Run run) {
            line.put("kind", "run");
            line.put("run", run.event());
        }
        else {
            line.put("kind", "status");
            line.put("status", ((HistoryEntry.Status) entry).status());
        }
        return line;
    }
}

package io.crewstream.bench.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.node.ObjectNode;

/**
 * One scenario's results: a JSON document (options, machine, load average, figures, details) and a short table of
 * figures against their goals, printed and saved next to it as {@code <scenario>.json} / {@code <scenario>.txt}.
 * Not thread-safe.
 */
public final class Report {

    private final String scenario;

    private final ObjectNode root = ContractJson.mapper().createObjectNode();

    private final ObjectNode details;

    private final List<String[]> figures = new ArrayList<>();

    private final List<String> notes = new ArrayList<>();

    private final List<List<String[]>> tables = new ArrayList<>();

    public Report(String scenario, Map<String, String> options) {
        this.scenario = scenario;
        this.root.put("scenario", scenario);
        this.root.put("startedAt", Instant.now().toString());
        this.root.put("loadAverageAtStart", Machine.loadAverage());
        ObjectNode optionNode = this.root.putObject("options");
        options.forEach(optionNode::put);
        this.root.putArray("figures");
        this.details = this.root.putObject("details");
    }

    /** A figure for the results table: what was measured, its value, the goal and whether the goal is met. */
    public void figure(String name, String value, String goal, Boolean met) {
        this.figures.add(new String[] { name, value, goal, (met == null) ? "-" : (met ? "yes" : "NO") });
        ObjectNode figure = ((tools.jackson.databind.node.ArrayNode) this.root.get("figures")).addObject();
        figure.put("name", name);
        figure.put("value", value);
        figure.put("goal", goal);
        if (met != null) {
            figure.put("met", met);
        }
    }

    /**
     * A table printed after the figures, such as the same figures for several servers side by side; {@code rows}
     * start with the header row. Also kept in the JSON under {@code tables}.
     */
    public void table(List<String[]> rows) {
        this.tables.add(List.copyOf(rows));
        tools.jackson.databind.node.ArrayNode json = this.root.withArray("tables").addArray();
        for (String[] row : rows) {
            tools.jackson.databind.node.ArrayNode cells = json.addArray();
            for (String cell : row) {
                cells.add(cell);
            }
        }
    }

    public ObjectNode details() {
        return this.details;
    }

    public void note(String note) {
        this.notes.add(note);
        System.out.println("[bench] " + note);
    }

    /** Writes the JSON and the table under {@code dir}, prints the table, and returns it. */
    public String save(Path dir) {
        this.root.put("finishedAt", Instant.now().toString());
        Machine.describe(this.root.putObject("machine"));
        this.root.putArray("notes").addAll(this.notes.stream()
                .map(n -> ContractJson.mapper().getNodeFactory().textNode(n)).toList());
        String table = table();
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(this.scenario + ".json"),
                    ContractJson.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this.root));
            Files.writeString(dir.resolve(this.scenario + ".txt"), table);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        System.out.println(table);
        return table;
    }

    String table() {
        StringBuilder out = new StringBuilder();
        out.append("scenario ").append(this.scenario).append("  (load average at start ")
                .append(this.root.get("loadAverageAtStart").asString()).append(", at end ")
                .append(Machine.loadAverage()).append(", ").append(Runtime.getRuntime().availableProcessors())
                .append(" cpus)\n");
        int[] widths = { 6, 5, 4, 3 };
        for (String[] row : this.figures) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        appendRow(out, widths, new String[] { "figure", "value", "goal", "met" });
        for (String[] row : this.figures) {
            appendRow(out, widths, row);
        }
        for (List<String[]> rows : this.tables) {
            int[] columns = new int[rows.get(0).length];
            for (String[] row : rows) {
                for (int i = 0; i < columns.length; i++) {
                    columns[i] = Math.max(columns[i], row[i].length());
                }
            }
            out.append('\n');
            rows.forEach(row -> appendRow(out, columns, row));
        }
        this.notes.forEach(note -> out.append("  note: ").append(note).append('\n'));
        return out.toString();
    }

    private static void appendRow(StringBuilder out, int[] widths, String[] row) {
        out.append("| ");
        for (int i = 0; i < row.length; i++) {
            out.append(row[i]).append(" ".repeat(widths[i] - row[i].length())).append(" | ");
        }
        out.setLength(out.length() - 1);
        out.append('\n');
    }
}

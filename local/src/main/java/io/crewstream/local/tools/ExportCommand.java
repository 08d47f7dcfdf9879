package io.crewstream.local.tools;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.crewstream.local.cli.UsageException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.serde.ContractJson;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code export}: every record of one topic written in a span of time, for offline analysis, streamed (memory stays
 * constant whatever the span). Partition after partition, each in its order. {@code jsonl}: one object per record
 * with its coordinates, key, headers and value (the value as JSON; a value that is not JSON as
 * {@code valueBase64}). {@code csv}: coordinates, key, then one column per top-level field of the topic's record
 * shape (nested values as JSON text; a tombstone's are empty).
 */
final class ExportCommand implements Command {

    @Override
    public String name() {
        return "export";
    }

    @Override
    public String usage() {
        return "export --topic NAME --from TIME [--to TIME] [--format jsonl|csv] [--out FILE]";
    }

    @Override
    public String summary() {
        return "every record of a topic between two times, as JSON lines or CSV, streamed";
    }

    @Override
    public Set<String> options() {
        return Set.of("topic", "from", "to", "format", "out");
    }

    @Override
    public void run(ToolArgs args, ToolContext context) {
        args.positional(0, "no arguments besides its options");
        Topic topic = topic(args.required("topic"));
        Instant from = context.time(args.required("from"));
        Instant to = args.option("to") == null ? null : context.time(args.option("to"));
        boolean csv = args.choice("format", List.of("jsonl", "csv"), "jsonl").equals("csv");
        String out = args.option("out");
        long[] count = new long[1];
        try (OutputStream target = out == null ? null : new BufferedOutputStream(Files.newOutputStream(Path.of(out)),
                1 << 16)) {
            PrintStream print = target == null ? context.out()
                    : new PrintStream(target, false, StandardCharsets.UTF_8);
            List<String> columns = columns(topic);
            if (csv) {
                print.println(String.join(",", columns.stream().map(ExportCommand::cell).toList()));
            }
            context.replay().export(topic, from, to, record -> {
                print.println(csv ? csvLine(record, columns) : jsonLine(record));
                count[0]++;
                return true;
            });
            print.flush();
        }
        catch (IOException ex) {
            throw new ToolException("cannot write " + out + ": " + ex.getMessage());
        }
        if (out != null) {
            context.err().println("crewstream: wrote " + count[0] + " records of " + context.replay().source()
                    .namespace().name(topic) + " to " + out);
        }
    }

    /** A topic by its short name ({@code session-events}) or its full name. */
    static Topic topic(String name) {
        for (Topic topic : Topic.values()) {
            if (shortName(topic).equals(name) || topic.baseName().equals(name)) {
                return topic;
            }
        }
        throw new UsageException("no topic '" + name + "'; topics: " + Arrays.stream(Topic.values())
                .map(ExportCommand::shortName).collect(Collectors.joining(", ")));
    }

    static String shortName(Topic topic) {
        return topic.baseName().replaceFirst("^crewstream\\.", "").replaceFirst("\\.v\\d+$", "");
    }

    /** The coordinates, then the top-level fields of the topic's record shape (of each kind, for a sealed shape). */
    static List<String> columns(Topic topic) {
        Set<String> columns = new LinkedHashSet<>(List.of("timestamp", "partition", "offset", "key"));
        Class<?> type = topic.value().javaType();
        if (type.isSealed()) {
            columns.add("type");
            for (Class<?> kind : type.getPermittedSubclasses()) {
                addComponents(kind, columns);
            }
        }
        else {
            addComponents(type, columns);
        }
        return List.copyOf(columns);
    }

    private static void addComponents(Class<?> type, Set<String> columns) {
        if (type.isRecord()) {
            Arrays.stream(type.getRecordComponents()).forEach(component -> columns.add(component.getName()));
        }
    }

    private static String jsonLine(ConsumerRecord<byte[], byte[]> record) {
        ObjectNode line = ContractJson.mapper().createObjectNode();
        line.put("topic", record.topic());
        line.put("partition", record.partition());
        line.put("offset", record.offset());
        line.put("timestamp", Instant.ofEpochMilli(record.timestamp()).toString());
        line.put("key", record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8));
        ObjectNode headers = line.putObject("headers");
        for (Header header : record.headers()) {
            headers.put(header.key(), header.value() == null ? null
                    : new String(header.value(), StandardCharsets.UTF_8));
        }
        if (record.value() == null) {
            line.putNull("value");
        }
        else {
            JsonNode value = json(record.value());
            if (value != null) {
                line.set("value", value);
            }
            else {
                line.put("valueBase64", java.util.Base64.getEncoder().encodeToString(record.value()));
            }
        }
        return ContractJson.mapper().writeValueAsString(line);
    }

    private static String csvLine(ConsumerRecord<byte[], byte[]> record, List<String> columns) {
        JsonNode value = record.value() == null ? null : json(record.value());
        StringBuilder line = new StringBuilder();
        for (String column : columns) {
            if (line.length() > 0) {
                line.append(',');
            }
            String cell = switch (column) {
                case "timestamp" -> Instant.ofEpochMilli(record.timestamp()).toString();
                case "partition" -> Integer.toString(record.partition());
                case "offset" -> Long.toString(record.offset());
                case "key" -> record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                default -> {
                    JsonNode field = value == null ? null : value.get(column);
                    yield field == null || field.isNull() ? "" : field.isValueNode() ? field.asString()
                            : field.toString();
                }
            };
            line.append(cell(cell));
        }
        return line.toString();
    }

    /** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
    static String cell(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return ContractJson.mapper().readTree(bytes);
        }
        catch (JacksonException ex) {
            return null;
        }
    }
}

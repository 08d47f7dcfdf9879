package io.crewstream.local.tools;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;

/** Runs a {@code ./crewstream} command in this JVM, as the launcher would, and keeps what it printed. */
public final class ToolsProbe {

    private ToolsProbe() {
    }

    public record Result(int exitCode, String out, String err) {
    }

    public static Result run(Map<String, String> env, Path dataDirectory, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code;
        try (PrintStream stdout = new PrintStream(out, true, StandardCharsets.UTF_8);
                PrintStream stderr = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            code = Tools.run(args, stdout, stderr, env, dataDirectory, Clock.systemUTC(), millis -> {
            });
        }
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}

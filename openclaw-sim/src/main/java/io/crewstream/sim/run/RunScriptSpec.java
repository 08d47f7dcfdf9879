package io.crewstream.sim.run;

import java.time.Duration;

/**
 * Reads a {@link RunScript} from the control port's text form. Pure; throws {@link IllegalArgumentException} with a
 * message meant for the user.
 *
 * <pre>
 * steps = step ("," step)*      step = "think:" ms | "say:" text | "tool:" name ":" ms | "tool!:" name ":" ms
 * end   = "finish" | "abort" | "error:" kind          (kind: refusal, timeout, rate_limit, context_length, unknown)
 * </pre>
 * {@code tool!} is a failing tool call. Example: {@code steps=think:200,tool:read:300,say:Done,tool!:exec:1000}
 * {@code end=error:rate_limit}.
 */
public final class RunScriptSpec {

    private RunScriptSpec() {
    }

    /**
     * @param steps   nullable or empty for no steps
     * @param end     nullable for {@code finish}
     * @param message the error message for {@code error:<kind>}; nullable for a default
     * @param usage   tokens for {@code finish}
     */
    public static RunScript parse(String steps, String end, String message, Usage usage) {
        RunScript.Builder script = RunScript.builder();
        if (steps != null && !steps.isBlank()) {
            for (String step : steps.split(",")) {
                addStep(script, step.trim());
            }
        }
        String terminal = end == null || end.isBlank() ? "finish" : end.trim();
        if (terminal.equals("finish")) {
            return script.finish(usage);
        }
        if (terminal.equals("abort")) {
            return script.abort();
        }
        if (terminal.startsWith("error:")) {
            ErrorKind kind = ErrorKind.fromWire(terminal.substring("error:".length()));
            return script.fail(kind, message == null || message.isBlank() ? "simulated " + kind.wire() : message);
        }
        throw new IllegalArgumentException("end must be finish, abort or error:<kind>, got '" + terminal + "'");
    }

    private static void addStep(RunScript.Builder script, String step) {
        String[] parts = step.split(":", 3);
        switch (parts[0]) {
            case "think" -> script.think(millis(step, parts, 1));
            case "say" -> script.say(requirePart(step, parts, 1));
            case "tool" -> script.tool(requirePart(step, parts, 1), millis(step, parts, 2));
            case "tool!" -> script.failingTool(requirePart(step, parts, 1), millis(step, parts, 2));
            default -> throw new IllegalArgumentException("unknown step '" + step
                    + "' (use think:<ms>, say:<text>, tool:<name>:<ms>, tool!:<name>:<ms>)");
        }
    }

    private static String requirePart(String step, String[] parts, int index) {
        if (parts.length <= index || parts[index].isBlank()) {
            throw new IllegalArgumentException("step '" + step + "' is incomplete");
        }
        return parts[index];
    }

    private static Duration millis(String step, String[] parts, int index) {
        String value = requirePart(step, parts, index);
        try {
            long ms = Long.parseLong(value);
            if (ms < 0) {
                throw new IllegalArgumentException("step '" + step + "': milliseconds must be >= 0");
            }
            return Duration.ofMillis(ms);
        } catch (NumberFormatException ex) {
            throw new IllegalArgumentException("step '" + step + "': '" + value + "' is not a whole number of ms");
        }
    }
}

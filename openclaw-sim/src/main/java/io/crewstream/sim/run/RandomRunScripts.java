package io.crewstream.sim.run;

import java.time.Duration;
import java.util.List;
import java.util.Random;

/**
 * Draws varied run scripts: a think, 0–4 tool calls from tens of milliseconds to several seconds (1 in 10 failing),
 * some assistant text, then 70 % finish with usage, 20 % error (every {@link ErrorKind} equally), 10 % abort.
 * Not thread-safe; deterministic for a given {@link Random}.
 */
public final class RandomRunScripts {

    private static final List<String> TOOLS = List.of("read", "edit", "exec", "grep", "web_fetch", "write");
    private static final List<String> LINES = List.of("Looking at the failing test.", "The reconnect path drops the "
            + "subscription.", "Patched the ingestor config.", "Running the build again.", "All green now.");
    private static final long MIN_TOOL_MS = 20;
    private static final long MAX_TOOL_MS = 4_000;

    private final Random random;

    public RandomRunScripts(Random random) {
        this.random = random;
    }

    public RunScript next() {
        RunScript.Builder script = RunScript.builder().think(Duration.ofMillis(50 + random.nextInt(750)));
        int tools = random.nextInt(5);
        for (int i = 0; i < tools; i++) {
            script.tool(TOOLS.get(random.nextInt(TOOLS.size())), toolDuration(), random.nextInt(10) == 0);
            if (random.nextBoolean()) {
                script.say(LINES.get(random.nextInt(LINES.size())) + " ", Duration.ofMillis(random.nextInt(200)));
            }
        }
        script.say(LINES.get(random.nextInt(LINES.size())));
        int end = random.nextInt(10);
        if (end < 7) {
            return script.finish(new Usage(1_000 + random.nextInt(20_000), 100 + random.nextInt(4_000)));
        }
        if (end < 9) {
            ErrorKind kind = ErrorKind.values()[random.nextInt(ErrorKind.values().length)];
            return script.fail(kind, message(kind));
        }
        return script.abort();
    }

    /** Log-uniform between 20 ms and 4 s: most calls are short, a few take seconds. */
    private Duration toolDuration() {
        double exponent = Math.log(MIN_TOOL_MS) + random.nextDouble() * (Math.log(MAX_TOOL_MS) - Math.log(MIN_TOOL_MS));
        return Duration.ofMillis(Math.round(Math.exp(exponent)));
    }

    private static String message(ErrorKind kind) {
        return switch (kind) {
            case REFUSAL -> "The model refused to answer (refusal_policy).";
            case TIMEOUT -> "LLM request timed out.";
            case RATE_LIMIT -> "429 rate limit reached for the provider.";
            case CONTEXT_LENGTH -> "Context overflow: prompt too large for the model.";
            case UNKNOWN -> "LLM request failed.";
        };
    }
}

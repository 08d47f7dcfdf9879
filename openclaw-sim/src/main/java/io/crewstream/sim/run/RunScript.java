package io.crewstream.sim.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable plan of one run: steps with durations, ending in exactly one terminal step.
 *
 * <pre>{@code
 * RunScript script = RunScript.builder()
 *         .think(Duration.ofMillis(200))
 *         .say("Looking at the build.")
 *         .tool("read", Duration.ofMillis(300))
 *         .failingTool("exec", Duration.ofSeconds(1))
 *         .fail(ErrorKind.RATE_LIMIT, "429 from provider");
 * }</pre>
 */
public record RunScript(List<Step> steps, Terminal terminal) {

    public RunScript {
        steps = List.copyOf(steps);
        Objects.requireNonNull(terminal, "terminal");
    }

    public static Builder builder() {
        return new Builder();
    }

    /** How long the script runs, not counting scheduling delays. */
    public Duration duration() {
        return steps.stream().map(Step::duration).reduce(Duration.ZERO, Duration::plus);
    }

    /** Tool steps in the script. */
    public long toolCount() {
        return steps.stream().filter(Step.Tool.class::isInstance).count();
    }

    /** A non-terminal step. */
    public sealed interface Step {

        Duration duration();

        /** Nothing is sent for {@code duration} (the model thinking). */
        record Think(Duration duration) implements Step {
        }

        /** Assistant text: an {@code assistant} agent event and a chat {@code delta}, then nothing for {@code duration}. */
        record Say(String text, Duration duration) implements Step {
        }

        /** Tool {@code start}, {@code duration} later tool {@code result} with {@code isError}. */
        record Tool(String name, Duration duration, boolean isError) implements Step {
        }
    }

    /** How the script ends. */
    public sealed interface Terminal {

        record Finish(Usage usage) implements Terminal {
        }

        record Fail(ErrorKind kind, String message) implements Terminal {
        }

        record Abort() implements Terminal {
        }
    }

    /** Collects steps; a terminal method builds the script. Not thread-safe. */
    public static final class Builder {

        private final List<Step> steps = new ArrayList<>();

        private Builder() {
        }

        public Builder think(Duration duration) {
            steps.add(new Step.Think(nonNegative(duration)));
            return this;
        }

        public Builder say(String text) {
            return say(text, Duration.ZERO);
        }

        public Builder say(String text, Duration duration) {
            if (text == null || text.isEmpty()) {
                throw new IllegalArgumentException("assistant text must not be empty");
            }
            steps.add(new Step.Say(text, nonNegative(duration)));
            return this;
        }

        public Builder tool(String name, Duration duration) {
            return tool(name, duration, false);
        }

        public Builder failingTool(String name, Duration duration) {
            return tool(name, duration, true);
        }

        public Builder tool(String name, Duration duration, boolean isError) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("tool name must not be blank");
            }
            steps.add(new Step.Tool(name, nonNegative(duration), isError));
            return this;
        }

        public RunScript finish(Usage usage) {
            return new RunScript(steps, new Terminal.Finish(Objects.requireNonNull(usage, "usage")));
        }

        public RunScript fail(ErrorKind kind, String message) {
            if (message == null || message.isBlank()) {
                throw new IllegalArgumentException("an error needs a message");
            }
            return new RunScript(steps, new Terminal.Fail(Objects.requireNonNull(kind, "kind"), message));
        }

        public RunScript abort() {
            return new RunScript(steps, new Terminal.Abort());
        }

        private static Duration nonNegative(Duration duration) {
            if (duration == null || duration.isNegative()) {
                throw new IllegalArgumentException("a step duration must be >= 0, got " + duration);
            }
            return duration;
        }
    }
}

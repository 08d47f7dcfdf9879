package io.crewstream.sim.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class RunScriptTest {

    @Test
    void scriptKeepsItsStepsInOrderAndAddsUpTheirDurations() {
        RunScript script = RunScript.builder().think(Duration.ofMillis(200)).say("hi")
                .tool("read", Duration.ofMillis(300)).failingTool("exec", Duration.ofSeconds(1))
                .fail(ErrorKind.RATE_LIMIT, "429");

        assertThat(script.steps()).containsExactly(new RunScript.Step.Think(Duration.ofMillis(200)),
                new RunScript.Step.Say("hi", Duration.ZERO),
                new RunScript.Step.Tool("read", Duration.ofMillis(300), false),
                new RunScript.Step.Tool("exec", Duration.ofSeconds(1), true));
        assertThat(script.terminal()).isEqualTo(new RunScript.Terminal.Fail(ErrorKind.RATE_LIMIT, "429"));
        assertThat(script.duration()).isEqualTo(Duration.ofMillis(1500));
        assertThat(script.toolCount()).isEqualTo(2);
    }

    @Test
    void scriptCannotBeChangedThroughTheBuilderAfterItWasBuilt() {
        RunScript.Builder builder = RunScript.builder().think(Duration.ofMillis(1));
        RunScript script = builder.abort();
        builder.think(Duration.ofMillis(2));

        assertThat(script.steps()).hasSize(1);
        assertThatThrownBy(() -> script.steps().add(new RunScript.Step.Think(Duration.ZERO)))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void badStepsAreRefusedWithAReason() {
        assertThatThrownBy(() -> RunScript.builder().think(Duration.ofMillis(-1)))
                .hasMessageContaining("must be >= 0");
        assertThatThrownBy(() -> RunScript.builder().tool(" ", Duration.ZERO)).hasMessageContaining("tool name");
        assertThatThrownBy(() -> RunScript.builder().say("")).hasMessageContaining("must not be empty");
        assertThatThrownBy(() -> RunScript.builder().fail(ErrorKind.UNKNOWN, " ")).hasMessageContaining("message");
    }

    @Test
    void specTextBecomesTheSameScriptAsTheBuilder() {
        RunScript parsed = RunScriptSpec.parse("think:200, say:Done,tool:read:300,tool!:exec:1000",
                "error:context_length", "too long", Usage.NONE);

        assertThat(parsed).isEqualTo(RunScript.builder().think(Duration.ofMillis(200)).say("Done")
                .tool("read", Duration.ofMillis(300)).failingTool("exec", Duration.ofMillis(1000))
                .fail(ErrorKind.CONTEXT_LENGTH, "too long"));
        assertThat(RunScriptSpec.parse(null, null, null, new Usage(5, 6)).terminal())
                .isEqualTo(new RunScript.Terminal.Finish(new Usage(5, 6)));
        assertThat(RunScriptSpec.parse("", "abort", null, Usage.NONE).terminal())
                .isEqualTo(new RunScript.Terminal.Abort());
    }

    @Test
    void badSpecTextNamesWhatIsWrong() {
        assertThatThrownBy(() -> RunScriptSpec.parse("nap:3", null, null, Usage.NONE))
                .hasMessageContaining("unknown step 'nap:3'");
        assertThatThrownBy(() -> RunScriptSpec.parse("tool:read", null, null, Usage.NONE))
                .hasMessageContaining("'tool:read' is incomplete");
        assertThatThrownBy(() -> RunScriptSpec.parse("think:soon", null, null, Usage.NONE))
                .hasMessageContaining("'soon' is not a whole number");
        assertThatThrownBy(() -> RunScriptSpec.parse(null, "error:oops", null, Usage.NONE))
                .hasMessageContaining("errorKind must be one of");
        assertThatThrownBy(() -> RunScriptSpec.parse(null, "explode", null, Usage.NONE))
                .hasMessageContaining("end must be finish, abort or error:<kind>");
    }

    @Test
    void sameSeedDrawsTheSameScripts() {
        RandomRunScripts first = new RandomRunScripts(new Random(7));
        RandomRunScripts second = new RandomRunScripts(new Random(7));

        List<RunScript> a = IntStream.range(0, 50).mapToObj(i -> first.next()).toList();
        List<RunScript> b = IntStream.range(0, 50).mapToObj(i -> second.next()).toList();

        assertThat(a).isEqualTo(b);
    }

    @Test
    void randomScriptsCoverEveryEndingEveryErrorKindAndShortAndLongToolCalls() {
        RandomRunScripts scripts = new RandomRunScripts(new Random(42));
        Set<Class<?>> endings = new HashSet<>();
        Set<ErrorKind> kinds = EnumSet.noneOf(ErrorKind.class);
        Set<Long> toolCounts = new HashSet<>();
        long shortest = Long.MAX_VALUE;
        long longest = 0;
        boolean failingTool = false;

        for (int i = 0; i < 1000; i++) {
            RunScript script = scripts.next();
            endings.add(script.terminal().getClass());
            if (script.terminal() instanceof RunScript.Terminal.Fail fail) {
                kinds.add(fail.kind());
            }
            toolCounts.add(script.toolCount());
            for (RunScript.Step step : script.steps()) {
                if (step instanceof RunScript.Step.Tool tool) {
                    shortest = Math.min(shortest, tool.duration().toMillis());
                    longest = Math.max(longest, tool.duration().toMillis());
                    failingTool |= tool.isError();
                }
            }
        }

        assertThat(endings).containsExactlyInAnyOrder(RunScript.Terminal.Finish.class, RunScript.Terminal.Fail.class,
                RunScript.Terminal.Abort.class);
        assertThat(kinds).isEqualTo(EnumSet.allOf(ErrorKind.class));
        assertThat(toolCounts).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
        assertThat(shortest).isBetween(20L, 60L);
        assertThat(longest).isBetween(2_000L, 4_000L);
        assertThat(failingTool).isTrue();
    }
}

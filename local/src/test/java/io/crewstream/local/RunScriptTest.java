package io.crewstream.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./crewstream} itself: a mistyped option is answered at once, before any build, with exit code 2. */
class RunScriptTest {

    private static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("crewstream");

    @Test
    void unknownOptionPrintsTheReasonAndTheUsageAndExitsWith2() throws Exception {
        Result result = run("--dmeo");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).startsWith("crewstream: unknown option '--dmeo'").contains("Usage: ./crewstream");
    }

    @Test
    void portWithoutANumberIsRejectedWith2() throws Exception {
        Result result = run("--port", "eighty");
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.stderr()).contains("--port must be a port number from 1 to 65535, not 'eighty'");
    }

    @Test
    void helpPrintsTheUsageAndExitsWith0() throws Exception {
        Result result = run("--help");
        assertThat(result.exitCode()).isZero();
        assertThat(result.stdout()).contains("--demo", "--fresh", "OPENCLAW_GATEWAY_TOKEN", "KAFKA_BOOTSTRAP_SERVERS");
    }

    private static Result run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).start();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("./crewstream " + String.join(" ", args) + " did not exit within 30 s");
        }
        return new Result(process.exitValue(),
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int exitCode, String stdout, String stderr) {
    }
}

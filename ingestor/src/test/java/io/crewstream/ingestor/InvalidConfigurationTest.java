package io.crewstream.ingestor;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatException;

/** A misconfigured ingestor does not start, and says everything that is wrong at once, one line per problem. */
@ExtendWith(OutputCaptureExtension.class)
class InvalidConfigurationTest {

    @TempDir
    Path folder;

    @Test
    void startUpFailsListingEveryProblemWithoutShowingTheToken(CapturedOutput output) throws Exception {
        Path tokenFile = Files.writeString(this.folder.resolve("token"), "do-not-print-me");

        assertThatException().isThrownBy(() -> new SpringApplicationBuilder(IngestorApplication.class)
                .web(WebApplicationType.NONE)
                .properties("crewstream.ingestor.upstreams[0].id=a",
                        "crewstream.ingestor.upstreams[0].url=http://127.0.0.1:18789",
                        "crewstream.ingestor.upstreams[0].token-file=" + tokenFile,
                        "crewstream.ingestor.upstreams[1].id=a",
                        "crewstream.ingestor.upstreams[1].url=ws://127.0.0.1:18790",
                        "crewstream.ingestor.upstreams[1].token-file=" + tokenFile,
                        "crewstream.ingestor.upstreams[2].id=no-token",
                        "crewstream.ingestor.upstreams[2].url=ws://127.0.0.1:18791",
                        "crewstream.ingestor.upstreams[2].token-env=CREWSTREAM_TEST_SURELY_UNSET_VARIABLE")
                .run());

        assertThat(output.getAll())
                .contains("APPLICATION FAILED TO START")
                .contains("  - crewstream.ingestor.upstreams[0] (a).url 'http://127.0.0.1:18789' must start with "
                        + "ws:// or wss://")
                .contains("  - crewstream.ingestor.upstreams[1].id 'a' is used by another upstream")
                .contains("  - crewstream.ingestor.upstreams[2] (no-token) has no token: environment variable "
                        + "CREWSTREAM_TEST_SURELY_UNSET_VARIABLE is empty or not set")
                .doesNotContain("do-not-print-me");
    }
}

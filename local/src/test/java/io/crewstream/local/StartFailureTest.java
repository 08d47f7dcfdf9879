package io.crewstream.local;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.local.pipeline.LocalPipeline;
import io.crewstream.local.pipeline.LocalRun;
import io.crewstream.local.pipeline.PartFailedException;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.sim.control.ChurnPlan;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** A run that cannot start says why in one line and leaves nothing running behind. */
@ExtendWith(KafkaBrokerExtension.class)
class StartFailureTest {

    @TempDir
    Path data;

    @Test
    void missingGatewayTokenFailsTheStartWithTheReasonAndStopsWhatHadStarted(KafkaBroker broker) {
        String prefix = broker.uniquePrefix("no-token");
        Map<String, String> settings = new HashMap<>(TestPipelines.QUICK);
        // The default upstream, but with its token looked up in a variable nobody sets.
        settings.put("crewstream.ingestor.upstreams[0].id", "local");
        settings.put("crewstream.ingestor.upstreams[0].url", "ws://127.0.0.1:18789");
        settings.put("crewstream.ingestor.upstreams[0].token-env", "CREWSTREAM_TEST_TOKEN_THAT_IS_NEVER_SET");
        LocalRun run = new LocalRun(this.data, broker.bootstrapServers(), 0, 0, new TopicNamespace(prefix), 3, 0, 0,
                0, 0, prefix + "projector", false, new ChurnPlan(1, 0), 1, settings);
        List<String> progress = new ArrayList<>();
        LocalPipeline pipeline = new LocalPipeline(run, progress::add);

        PartFailedException failure = catchThrowableOfType(PartFailedException.class, pipeline::start);

        assertThat(failure.part()).isEqualTo("ingestor");
        assertThat(failure.getMessage()).startsWith("ingestor failed to start: ")
                .contains("has no token: environment variable CREWSTREAM_TEST_TOKEN_THAT_IS_NEVER_SET is empty or not set");
        assertThat(progress).noneMatch(line -> line.startsWith("Ready"));
        assertThat(pipeline.sseGateway().isRunning()).as("the SSE gateway is stopped again").isFalse();
        assertThat(pipeline.projector().isRunning()).as("the projector is stopped again").isFalse();
    }
}

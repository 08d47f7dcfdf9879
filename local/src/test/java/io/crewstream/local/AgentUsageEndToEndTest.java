package io.crewstream.local;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.crewstream.local.kafka.TopicSetup;
import io.crewstream.local.pipeline.PipelineApps;
import io.crewstream.local.pipeline.PipelineConfig;
import io.crewstream.local.support.RunningParts;
import io.crewstream.local.support.TestPipelines;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.TopicReplication;
import io.crewstream.schemas.cloudevents.CloudEventType;
import io.crewstream.schemas.cloudevents.CloudEvents;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.crewstream.testsupport.kafka.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The analytics example over the real pipeline: the simulator's sessions go through the ingestor and the projector,
 * the agent-usage app reads only the public session-state table, and its topic tells, minute by minute, exactly
 * what the scripted sequence did. Each minute's last version holds; the figures are summed over the minutes, so the
 * test does not depend on where the minute boundaries fall.
 */
@ExtendWith(KafkaBrokerExtension.class)
class AgentUsageEndToEndTest {

    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final String TOKEN = "usage-e2e-token";

    @TempDir
    Path state;

    private final RunningParts running = new RunningParts();

    @AfterEach
    void stopEverything() throws Exception {
        this.running.close();
    }

    @Test
    void theUsageTopicTellsExactlyWhatTheScriptedSessionsDid(KafkaBroker broker) {
        OpenClawSimulator gateway = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        gateway.start();
        this.running.add(gateway);
        PipelineConfig config = TestPipelines.config(broker, "usage-e2e", this.state, gateway.url(), TOKEN);
        new TopicSetup(config.bootstrapServers(), config.namespace(), config.partitions(),
                TopicReplication.SINGLE).createMissing();
        this.running.start(PipelineApps.projector(config));
        this.running.start(PipelineApps.agentUsage(config));
        this.running.start(PipelineApps.ingestor(config));
        String connection = config.upstream().id();

        // Two sessions appear (their tokens so far are history, not this run's use), then use 150 and 30 tokens,
        // one finishes its run, then one is deleted.
        gateway.sessions().create("agent:main:one", fields("running", 100));
        gateway.sessions().create("agent:main:two", fields("running", 50));
        awaitFigures(broker, config, figures -> figures.created() == 2);
        gateway.sessions().patch("agent:main:one", fields("running", 250), null);
        gateway.sessions().patch("agent:main:two", fields("running", 80), null);
        gateway.sessions().patch("agent:main:one", fields("done", 250), null);
        gateway.sessions().delete("agent:main:two");

        Figures expected = new Figures(2, 1, 180, Map.of("done", 1L), 1);
        Figures actual = awaitFigures(broker, config, figures -> figures.equals(expected));
        assertThat(actual).isEqualTo(expected);

        for (ConsumerRecord<String, byte[]> record : usage(broker, config)) {
            assertThat(record.key()).isEqualTo(connection + "/main");
            CloudEvents event = CloudEvents.readFrom(record.headers()).orElseThrow();
            assertThat(event.type()).isEqualTo(CloudEventType.AGENT_USAGE);
            assertThat(event.source()).isEqualTo("/crewstream/agent-usage/" + connection);
            assertThat(event.subject()).isEqualTo("main");
        }
    }

    /** What the usage topic says, each minute's last version summed over the minutes; the last minute's sessions. */
    private record Figures(long created, long removed, long tokens, Map<String, Long> runs, long activeAtTheEnd) {
    }

    private Figures awaitFigures(KafkaBroker broker, PipelineConfig config, Predicate<Figures> done) {
        Figures[] last = new Figures[1];
        await().atMost(PATIENCE).until(() -> {
            last[0] = figures(usage(broker, config));
            return done.test(last[0]);
        });
        return last[0];
    }

    private static Figures figures(List<ConsumerRecord<String, byte[]>> records) {
        TreeMap<Long, AgentUsageMinute> minutes = new TreeMap<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            AgentUsageMinute minute = ContractSerdes.of(AgentUsageMinute.class).deserialize(null, record.value());
            minutes.put(minute.minuteStart(), minute);
        }
        long created = 0;
        long removed = 0;
        long tokens = 0;
        Map<String, Long> runs = new HashMap<>();
        for (AgentUsageMinute minute : minutes.values()) {
            created += minute.sessionsCreated();
            removed += minute.sessionsRemoved();
            tokens += minute.tokensConsumed();
            minute.runsFinished().forEach((outcome, count) -> runs.merge(outcome, count, Long::sum));
        }
        long active = minutes.isEmpty() ? 0 : minutes.lastEntry().getValue().activeSessions();
        return new Figures(created, removed, tokens, Map.copyOf(runs), active);
    }

    private static List<ConsumerRecord<String, byte[]>> usage(KafkaBroker broker, PipelineConfig config) {
        return TopicReader.readAll(broker, config.namespace().name(Topic.AGENT_USAGE), new StringDeserializer(),
                new ByteArrayDeserializer(), PATIENCE);
    }

    private static ObjectNode fields(String status, long totalTokens) {
        return JsonNodeFactory.instance.objectNode().put("status", status).put("totalTokens", totalTokens);
    }

}

package io.crewstream.ssegateway;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A gateway that stops leaves nothing behind: no open stream, no writer thread still running. */
@ExtendWith(KafkaBrokerExtension.class)
class ShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void stoppingTheGatewayEndsOpenStreamsAndWaitsForItsWriterThreads(KafkaBroker broker) {
        try (TableTopics tables = TableTopics.create(broker, "sse-shutdown")) {
            tables.connection("home", UpstreamState.CONNECTED);
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            GatewayApp gateway = GatewayApp.start(broker.bootstrapServers(), tables.prefix());
            try (SseTestClient client = gateway.events()) {
                await().atMost(WAIT).until(() -> !client.events().isEmpty());
                // A live event is written by the writer pool (the first bytes go out on a container thread).
                tables.created("home", "agent:main:main");
                await().atMost(WAIT).until(() -> !client.events(SseEventType.SESSION_CREATED).isEmpty());
                List<Thread> writers = Thread.getAllStackTraces().keySet().stream()
                        .filter(thread -> !before.contains(thread) && thread.getName().startsWith("sse-writer-"))
                        .toList();
                assertThat(writers).as("the writer that sent the live event").isNotEmpty();

                gateway.close();

                // Not awaited: stop() returns only once the writer pool has ended.
                assertThat(writers).noneMatch(Thread::isAlive);
                await().atMost(WAIT).until(client::ended);
            }
        }
    }
}

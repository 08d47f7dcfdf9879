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

/** A gateway that stops leaves nothing behind: no open stream, no event loop or stream thread still running. */
@ExtendWith(KafkaBrokerExtension.class)
class ShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void stoppingTheGatewayEndsOpenStreamsAndItsEventLoopsAndStreamThreads(KafkaBroker broker) {
        try (TableTopics tables = TableTopics.create(broker, "sse-shutdown")) {
            tables.connection("home", UpstreamState.CONNECTED);
            Set<Thread> before = Thread.getAllStackTraces().keySet();
            GatewayApp gateway = GatewayApp.start(broker.bootstrapServers(), tables.prefix());
            try (SseTestClient client = gateway.events()) {
                await().atMost(WAIT).until(() -> !client.events().isEmpty());
                // A live event is written by the stream's event loop; its initial state was built on the table work.
                tables.created("home", "agent:main:main");
                await().atMost(WAIT).until(() -> !client.events(SseEventType.SESSION_CREATED).isEmpty());
                List<Thread> own = Thread.getAllStackTraces().keySet().stream()
                        .filter(thread -> !before.contains(thread) && (thread.getName().startsWith("sse-http")
                                || thread.getName().startsWith("sse-table-work-")))
                        .toList();
                assertThat(own).as("the gateway's event loops and table work thread")
                        .anyMatch(thread -> thread.getName().startsWith("sse-http"))
                        .anyMatch(thread -> thread.getName().startsWith("sse-table-work-"));

                gateway.close();

                await().atMost(WAIT).until(client::ended);
                await().atMost(WAIT).untilAsserted(() -> assertThat(own).noneMatch(Thread::isAlive));
            }
        }
    }
}

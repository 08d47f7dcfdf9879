package io.crewstream.bench.client;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static io.crewstream.bench.client.CannedResponses.bytes;
import static io.crewstream.bench.client.CannedResponses.chunkedOpen;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A checker client against two stand-in gateways: the first goes away, the client moves to the second. */
class CheckerClientTest {

    private static final String REFRESH = "event: sessions-refresh\nid: p1\ndata: {\"sessions\":["
            + "{\"key\":\"a\",\"rev\":1},{\"key\":\"b\",\"rev\":2}]}\n\n";

    @Test
    void aClientOfAGatewayThatWentAwayResumesOnTheOtherFromItsLastEventId() throws Exception {
        String created = "event: session-created\nid: p2\ndata: {\"key\":\"c\",\"rev\":3}\n\n";
        String resumed = "event: session-removed\nid: p3\ndata: {\"key\":\"a\"}\n\n";
        try (CannedSseServer first = new CannedSseServer(() -> bytes(chunkedOpen(REFRESH, created)));
                CannedSseServer second = new CannedSseServer(() -> bytes(chunkedOpen(resumed)));
                CheckerClient client = new CheckerClient("c", List.of(first.uri("/api/events"),
                        second.uri("/api/events")), "rev").start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.view().size() == 3);

            first.close();

            String request = second.requests().poll(10, TimeUnit.SECONDS);
            assertThat(request).containsIgnoringCase("Last-Event-ID: p2");
            await().atMost(Duration.ofSeconds(10)).until(() -> client.view().equals(Map.of("b", 2L, "c", 3L)));
            assertThat(client.counts()).isEqualTo(new CheckerClient.Counts(0, 0, 1, 1, 0));
        }
    }

    @Test
    void aReconnectAnsweredWithTheWholeStateCountsAsRefreshed() throws Exception {
        String refreshAgain = "event: sessions-refresh\nid: p9\ndata: {\"sessions\":[{\"key\":\"b\",\"rev\":5}]}\n\n";
        try (CannedSseServer first = new CannedSseServer(() -> bytes(chunkedOpen(REFRESH)));
                CannedSseServer second = new CannedSseServer(() -> bytes(chunkedOpen(refreshAgain)));
                CheckerClient client = new CheckerClient("c", List.of(first.uri("/api/events"),
                        second.uri("/api/events")), "rev").start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.view().size() == 2);

            first.close();

            await().atMost(Duration.ofSeconds(10)).until(() -> client.view().equals(Map.of("b", 5L)));
            assertThat(client.counts()).isEqualTo(new CheckerClient.Counts(0, 0, 1, 0, 1));
        }
    }

    @Test
    void countsACreatedEventForAHeldKeyAsADuplicateAndAnOlderRowAsARegression() throws Exception {
        String duplicate = "event: session-created\nid: p2\ndata: {\"key\":\"a\",\"rev\":4}\n\n";
        String older = "event: session-updated\nid: p3\ndata: {\"key\":\"b\",\"rev\":1}\n\n";
        try (CannedSseServer gateway = new CannedSseServer(() -> bytes(chunkedOpen(REFRESH, duplicate, older)));
                CheckerClient client = new CheckerClient("c", List.of(gateway.uri("/api/events")), "rev").start()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> client.view().equals(Map.of("a", 4L, "b", 1L)));

            assertThat(client.counts()).isEqualTo(new CheckerClient.Counts(1, 1, 0, 0, 0));
        }
    }
}

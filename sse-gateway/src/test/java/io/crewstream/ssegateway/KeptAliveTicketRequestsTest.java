package io.crewstream.ssegateway;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.ssegateway.security.StreamTicketController;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A browser asks for its stream tickets on a connection it keeps alive between requests. Every one of them must be
 * answered: with the POST's (empty) body left unread, Reactor Netty 1.3.6 sometimes never read the next request on
 * the connection (about one ticket request in fifty here, in a loop like this one), and the page waited for the
 * request-head timeout.
 */
@ExtendWith(KafkaBrokerExtension.class)
class KeptAliveTicketRequestsTest {

    private static final String TOKEN = "kept-alive-token";

    @Test
    void everyTicketRequestOnAKeptAliveConnectionIsAnswered(KafkaBroker broker) throws Exception {
        try (TableTopics tables = TableTopics.create(broker, "sse-kept-alive");
                GatewayApp gateway = GatewayApp.start(broker.bootstrapServers(), tables.prefix(),
                        "crewstream.sse.auth.tokens=" + TOKEN)) {
            tables.connection("home", UpstreamState.CONNECTED);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> gateway.get("/actuator/health/readiness").statusCode() == 200);
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            List<String> unanswered = new ArrayList<>();
            for (int i = 0; i < 150 && unanswered.isEmpty(); i++) {
                // The page's own sequence: a GET, then ticket requests, all on the connection kept alive.
                send(client, gateway, "GET", "/api/gateways", unanswered);
                send(client, gateway, "POST", StreamTicketController.PATH, unanswered);
                send(client, gateway, "POST", StreamTicketController.PATH, unanswered);
            }
            assertThat(unanswered).isEmpty();
        }
    }

    private static void send(HttpClient client, GatewayApp gateway, String method, String path, List<String> unanswered)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(5))
                .header("Authorization", "Bearer " + TOKEN).method(method, HttpRequest.BodyPublishers.noBody()).build();
        try {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(method + " " + path).isLessThan(300);
        }
        catch (HttpTimeoutException ex) {
            unanswered.add(method + " " + path);
        }
    }
}

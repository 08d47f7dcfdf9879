package io.crewstream.sim.control;

import static io.crewstream.sim.client.GatewayTestClient.backendConnect;
import static io.crewstream.sim.client.GatewayTestClient.object;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import io.crewstream.sim.client.GatewayTestClient;
import io.crewstream.sim.protocol.Json;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.sim.session.AgentCatalog;
import io.crewstream.sim.session.SessionQuery;
import io.crewstream.sim.session.SessionStore;

class ChurnGeneratorTest {

    @Test
    void seedsTheSessionsRoundRobinOverTheAgentsWithRowsOfAboutTwoKilobytes() {
        SessionStore store = new SessionStore(AgentCatalog.ofCount(4), Clock.systemUTC());
        ChurnGenerator churn = new ChurnGenerator(store, new ChurnPlan(40, 0), 7);

        churn.start();
        churn.stop();

        assertThat(store.size()).isEqualTo(40);
        for (String agent : new String[] {"main", "agent-2", "agent-3", "agent-4"}) {
            assertThat(store.list(new SessionQuery(100, 0, agent, null, null, null, true)).totalCount())
                    .isEqualTo(10);
        }
        assertThat(store.list(new SessionQuery(100, 0, null, null, null, null, true)).rows())
                .allSatisfy(row -> assertThat(Json.write(row).length()).isBetween(1500, 3500));
    }

    @Test
    void subscribersSeeChurnAsPatchesAndReplacementsWhileTheSessionCountStaysConstant() {
        try (OpenClawSimulator simulator = new OpenClawSimulator(SimulatorConfig.defaults("churn-token")
                .withAgents(AgentCatalog.ofCount(2)))) {
            simulator.start();
            ChurnGenerator churn = new ChurnGenerator(simulator.sessions(), new ChurnPlan(20, 400), 11);
            churn.start();
            try (GatewayTestClient client = GatewayTestClient.connected(simulator.url(),
                    backendConnect("churn-token", "operator.read"))) {
                JsonNode snapshot = client.call("sessions.subscribe", object().put("limit", 100)).path("list");

                client.awaitFrame(frame -> reasons(client).containsAll(Set.of("patch", "create", "delete")));

                assertThat(snapshot.path("totalCount").asInt()).isEqualTo(20);
                assertThat(churn.changesApplied()).isPositive();
            } finally {
                churn.stop();
            }
            assertThat(simulator.sessions().size()).isEqualTo(20);
        }
    }

    private static Set<String> reasons(GatewayTestClient client) {
        Set<String> reasons = new HashSet<>();
        client.events("sessions.changed").forEach(frame -> reasons.add(frame.path("payload").path("reason").asString()));
        return reasons;
    }
}

package io.crewstream.ssegateway.stream;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.ssegateway.api.InvalidRequestException;
import io.crewstream.ssegateway.security.AccessRefusedException;
import io.crewstream.ssegateway.security.GatewayScope;
import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.state.TableChange;
import io.crewstream.ssegateway.state.TableListener;
import io.crewstream.ssegateway.state.TableRecord;
import io.crewstream.ssegateway.state.TestTables;
import io.crewstream.ssegateway.support.TableTopics;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The gateway scope inside {@link ClientFilter}: what a caller limited to some gateways is offered (every kind of
 * table change, the refresh, agents, gateway statuses), and how a {@code ?connection=} outside it is refused. Changes
 * come from a real {@link SessionTable} fed plain records.
 */
class ClientFilterTest {

    private static final GatewayScope ONLY_A = GatewayScope.of(Set.of("gw-a"));

    private static final GatewayScope NONE = GatewayScope.of(Set.of());

    private final List<TableChange> changes = new ArrayList<>();

    private final SessionTable table = TestTables.loaded(new TableListener() {

        @Override
        public void onLoaded(SessionTable loaded) {
        }

        @Override
        public void onChange(TableChange change) {
            ClientFilterTest.this.changes.add(change);
        }
    });

    private long offset;

    private static ClientFilter filter(GatewayScope scope, String... parameters) {
        Map<String, String[]> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i + 1 < parameters.length; i += 2) {
            map.put(parameters[i], new String[] { parameters[i + 1] });
        }
        return ClientFilter.from(map, scope);
    }

    /** Each gateway with a connection row, a session of agent "main" and the agent "main". */
    private void twoGateways() {
        for (String gateway : List.of("gw-a", "gw-b")) {
            apply(TableRecord.connection(0, this.offset, gateway, connection(gateway, UpstreamState.CONNECTED)));
            SessionState session = SessionState.of(gateway, ChangeType.CREATED, 1, 0,
                    TableTopics.row("agent:main:" + gateway, 1));
            apply(TableRecord.session(0, this.offset, session.key(), session));
            apply(TableRecord.agent(0, this.offset, gateway, "main", TableTopics.agent(gateway, "main",
                    ActivityState.IDLE, AgentSessionCounts.NONE, null, null, 1), null));
        }
    }

    private void apply(TableRecord record) {
        TestTables.apply(this.table, record);
        this.offset++;
    }

    private static ConnectionState connection(String gateway, UpstreamState state) {
        boolean connected = state == UpstreamState.CONNECTED;
        return ConnectionState.of(gateway, state, connected ? null : "connect refused",
                connected ? null : "ECONNREFUSED", 500, "2026.9.6", null, null, null, "ws://127.0.0.1:18789", 950);
    }

    @Test
    void aConnectionOutsideTheScopeIsRefusedAsOutOfScopeNotFilteredToNothing() {
        assertThatThrownBy(() -> filter(ONLY_A, "connection", "gw-b"))
                .isInstanceOfSatisfying(AccessRefusedException.class, refused -> {
                    assertThat(refused.refusal()).isEqualTo(AuthRefusal.OUT_OF_SCOPE);
                    assertThat(refused.getMessage()).contains("gw-b");
                });
        assertThatThrownBy(() -> filter(ONLY_A, "connection", "gw-a,gw-b")).as("one outside is enough")
                .isInstanceOf(AccessRefusedException.class);
        assertThatThrownBy(() -> filter(NONE, "connection", "gw-a")).isInstanceOf(AccessRefusedException.class);
        assertThat(filter(ONLY_A, "connection", "gw-a").acceptsGateway("gw-a")).isTrue();
        assertThat(filter(GatewayScope.ALL, "connection", "gw-b").acceptsGateway("gw-b")).isTrue();
    }

    @Test
    void aMalformedFilterIsA400EvenWhenItAlsoNamesAGatewayOutsideTheScope() {
        assertThatThrownBy(() -> filter(ONLY_A, "connection", "gw-b,,gw-a"))
                .isInstanceOf(InvalidRequestException.class);
        assertThatThrownBy(() -> filter(ONLY_A, "connection", "GW-B")).isInstanceOf(InvalidRequestException.class);
    }

    @Test
    void withoutParametersTheScopeAloneDecidesWhichGatewaysPass() {
        ClientFilter onlyA = filter(ONLY_A);
        assertThat(onlyA.acceptsGateway("gw-a")).isTrue();
        assertThat(onlyA.acceptsGateway("gw-b")).isFalse();
        ClientFilter none = filter(NONE);
        assertThat(none.acceptsGateway("gw-a")).as("an empty scope sees no gateway").isFalse();
        assertThat(filter(GatewayScope.ALL).acceptsGateway("gw-b")).isTrue();
        ClientFilter agentOfA = filter(ONLY_A, "agent", "main");
        assertThat(agentOfA.acceptsGateway("gw-b")).as("an agent filter does not widen the scope").isFalse();
    }

    @Test
    void everyKindOfChangeOfAnotherGatewayIsHeldBack() {
        twoGateways();
        apply(TableRecord.connection(0, this.offset, "gw-b", connection("gw-b", UpstreamState.UNREACHABLE)));
        SessionState updated = SessionState.of("gw-b", ChangeType.UPDATED, 2, 0, TableTopics.row("agent:main:gw-b", 2));
        apply(TableRecord.session(0, this.offset, updated.key(), updated));
        apply(TableRecord.session(0, this.offset, new SessionStateKey("gw-b", "agent:main:gw-b"), null));
        apply(TableRecord.agent(0, this.offset, "gw-b", "main", null, null));
        apply(TableRecord.connection(0, this.offset, "gw-b", null));
        List<TableChange.Kind> ofB = this.changes.stream().filter(change -> "gw-b".equals(change.connectionId()))
                .map(TableChange::kind).distinct().toList();
        assertThat(ofB).as("the test covers every kind of change").containsExactlyInAnyOrder(TableChange.Kind.values());

        ClientFilter onlyA = filter(ONLY_A);
        for (TableChange change : this.changes) {
            assertThat(onlyA.accepts(change)).as(change.kind() + " of " + change.connectionId())
                    .isEqualTo("gw-a".equals(change.connectionId()));
            assertThat(filter(NONE).accepts(change)).isFalse();
            assertThat(filter(GatewayScope.ALL).accepts(change)).isTrue();
        }
    }

    @Test
    void theRefreshAgentsAndGatewayStatusesHoldOnlyTheScopesGateways() {
        twoGateways();
        ClientFilter onlyA = filter(ONLY_A);
        var refresh = Frames.refresh(this.table, onlyA);
        assertThat(refresh.sessions()).extracting(session -> session.connectionId()).containsExactly("gw-a");
        assertThat(refresh.gateways()).extracting(gateway -> gateway.connectionId()).containsExactly("gw-a");
        assertThat(Frames.agents(this.table, onlyA).agents()).extracting(agent -> agent.connectionId())
                .containsExactly("gw-a");
        assertThat(Frames.gateways(this.table, onlyA)).extracting(gateway -> gateway.connectionId())
                .containsExactly("gw-a");

        ClientFilter none = filter(NONE);
        assertThat(Frames.refresh(this.table, none).sessions()).isEmpty();
        assertThat(Frames.refresh(this.table, none).gateways()).isEmpty();
        assertThat(Frames.refresh(this.table, none).pipeline()).as("the pipeline's status is not a gateway's")
                .isNotNull();
        assertThat(Frames.agents(this.table, none).agents()).isEmpty();
        assertThat(Frames.refresh(this.table, filter(GatewayScope.ALL)).sessions()).hasSize(2);
    }

    @Test
    void anAgentsRemovalTellsAScopedClientOnlyTheAgentsItMaySee() {
        twoGateways();
        apply(TableRecord.agent(0, this.offset, "gw-a", "dev", TableTopics.agent("gw-a", "dev", ActivityState.IDLE,
                AgentSessionCounts.NONE, null, null, 1), null));
        apply(TableRecord.agent(0, this.offset, "gw-a", "dev", null, null));
        TableChange removal = this.changes.get(this.changes.size() - 1);
        assertThat(removal.kind()).isEqualTo(TableChange.Kind.AGENT_REMOVED);
        String data = new String(Frames.agentRemoved(removal, filter(ONLY_A)).payloadJson(),
                java.nio.charset.StandardCharsets.UTF_8);
        assertThat(data).contains("\"connectionId\":\"gw-a\"").doesNotContain("gw-b");
    }

    @Test
    void filtersOfDifferentScopesAreNeverEqualSoTheyShareNoCachedRefresh() {
        assertThat(filter(ONLY_A)).isNotEqualTo(filter(GatewayScope.ALL)).isNotEqualTo(filter(NONE));
        assertThat(filter(ONLY_A)).isEqualTo(filter(GatewayScope.of(Set.of("gw-a"))));
        assertThat(ClientFilter.ALL).isEqualTo(filter(GatewayScope.ALL));
    }
}

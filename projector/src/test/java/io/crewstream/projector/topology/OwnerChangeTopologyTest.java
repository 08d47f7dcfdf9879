package io.crewstream.projector.topology;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.ConnectionReasonCode;
import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static io.crewstream.projector.topology.ProjectorDriver.input;
import static io.crewstream.projector.topology.ProjectorDriver.output;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which ingestor instance holds a gateway's link, as the connection-state table shows it and as the projector counts
 * the gateways that moved between instances ({@link OwnerChanges}): the projector sees every instance's statuses, so
 * it is where a failover (the previous owner's last word was not a handover) can be told from a handover.
 */
class OwnerChangeTopologyTest {

    private static final String GATEWAY = "gw-1";

    @TempDir
    Path stateDir;

    private final MeterRegistry meterRegistry = new SimpleMeterRegistry();

    private TopologyTestDriver driver;
    private TestInputTopic<String, ConnectionStatusEvent> statuses;
    private TestOutputTopic<String, ConnectionState> connectionState;
    private long clock = 1_000;

    @BeforeEach
    void startDriver() {
        this.driver = ProjectorDriver.start("owner-spec", this.stateDir, this.meterRegistry, Duration.ofSeconds(30),
                Instant.now());
        this.statuses = input(this.driver, Topic.CONNECTION_STATUS, ContractSerdes.connectionStatus());
        this.connectionState = output(this.driver, Topic.CONNECTION_STATE, ContractSerdes.connectionState());
    }

    @AfterEach
    void closeDriver() {
        this.driver.close();
    }

    @Test
    void connectionStateNamesTheInstanceThatHoldsTheLink() {
        send(status(UpstreamState.CONNECTED, null, "ingestor-a"));

        assertThat(lastRow().owner()).isEqualTo("ingestor-a");
    }

    @Test
    void aNewOwnerAfterTheOldOwnersConnectedStatusIsAFailover() {
        send(status(UpstreamState.CONNECTED, null, "ingestor-a"));
        send(status(UpstreamState.CONNECTING, null, "ingestor-b"));

        assertThat(ownerChanges()).containsExactly(Map.entry("failover", 1.0), Map.entry("handover", 0.0));
        assertThat(lastRow().owner()).isEqualTo("ingestor-b");
    }

    @Test
    void aNewOwnerAfterTheOldOwnerHandedTheGatewayOverIsAHandover() {
        send(status(UpstreamState.CONNECTED, null, "ingestor-a"));
        send(status(UpstreamState.CONNECTING, ConnectionReasonCode.HANDED_OVER, "ingestor-a"));
        send(status(UpstreamState.CONNECTING, null, "ingestor-b"));

        assertThat(ownerChanges()).containsExactly(Map.entry("failover", 0.0), Map.entry("handover", 1.0));
    }

    @Test
    void aNewOwnerAfterTheOldOwnerStoppedIsAHandover() {
        send(status(UpstreamState.CONNECTED, null, "ingestor-a"));
        send(status(UpstreamState.DISCONNECTED, ConnectionReasonCode.STOPPED, "ingestor-a"));
        send(status(UpstreamState.CONNECTING, null, "ingestor-b"));

        assertThat(ownerChanges()).containsExactly(Map.entry("failover", 0.0), Map.entry("handover", 1.0));
    }

    @Test
    void statusesOfOneOwnerOrOfIngestorsOlderThanOwnershipChangeNoOwner() {
        send(status(UpstreamState.CONNECTED, null, null));
        send(status(UpstreamState.CONNECTED, null, "ingestor-a"));
        send(status(UpstreamState.UNREACHABLE, ConnectionReasonCode.CONNECTION_REFUSED, "ingestor-a"));
        send(status(UpstreamState.CONNECTED, null, "ingestor-a"));
        send(status(UpstreamState.CONNECTED, null, null));

        assertThat(ownerChanges()).containsExactly(Map.entry("failover", 0.0), Map.entry("handover", 0.0));
    }

    private void send(ConnectionStatusEvent status) {
        this.statuses.pipeInput(GATEWAY, status);
    }

    private ConnectionStatusEvent status(UpstreamState state, ConnectionReasonCode code, String owner) {
        long at = this.clock += 1_000;
        return ConnectionStatusEvent.of(GATEWAY, state, code == null ? null : code.wireName(),
                code == null ? null : code.wireName(), at, "2026.9.6", null, "ws://gateway", at, 5_000L)
                .withOwner(owner);
    }

    private ConnectionState lastRow() {
        List<ConnectionState> rows = this.connectionState.readValuesToList();
        assertThat(rows).isNotEmpty();
        return rows.get(rows.size() - 1);
    }

    private Map<String, Double> ownerChanges() {
        Map<String, Double> counts = new LinkedHashMap<>();
        this.meterRegistry.find(OwnerChanges.METRIC).counters().stream()
                .sorted((a, b) -> a.getId().getTag("kind").compareTo(b.getId().getTag("kind")))
                .forEach(counter -> counts.put(counter.getId().getTag("kind"), counter.count()));
        return counts;
    }
}

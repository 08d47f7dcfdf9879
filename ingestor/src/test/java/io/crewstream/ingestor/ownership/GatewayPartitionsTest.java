package io.crewstream.ingestor.ownership;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;

import org.junit.jupiter.api.Test;

class GatewayPartitionsTest {

    @Test
    void partitionsStandForTheGatewaysInOrderOfConnectionIdWhateverTheConfigurationOrder() {
        GatewayPartitions partitions = new GatewayPartitions(List.of("zeta", "alpha", "mid"));

        assertThat(partitions.all()).containsExactly("alpha", "mid", "zeta");
        assertThat(partitions.partition("alpha")).isZero();
        assertThat(partitions.partition("zeta")).isEqualTo(2);
        assertThat(partitions.connectionId(1)).contains("mid");
        assertThat(new GatewayPartitions(List.of("mid", "zeta", "alpha")).all())
                .as("every instance with the same gateways agrees").isEqualTo(partitions.all());
    }

    @Test
    void aPartitionBeyondTheGatewaysStandsForNothing() {
        GatewayPartitions partitions = new GatewayPartitions(List.of("a", "b"));

        assertThat(partitions.count()).isEqualTo(2);
        assertThat(partitions.connectionId(2)).isEmpty();
        assertThat(partitions.connectionId(-1)).isEmpty();
        assertThat(partitions.connectionIds(List.of(3, 1, 0, 7))).containsExactly("a", "b");
    }

    @Test
    void anUnknownGatewayOrARepeatedIdIsRefused() {
        GatewayPartitions partitions = new GatewayPartitions(List.of("a"));

        assertThatIllegalArgumentException().isThrownBy(() -> partitions.partition("b"));
        assertThatIllegalArgumentException().isThrownBy(() -> new GatewayPartitions(List.of("a", "a")));
    }
}

package io.crewstream.local.cli;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LaunchOptionsTest {

    @Test
    void noArgumentsConnectToTheRealGatewayWithTheDefaultPorts() {
        LaunchOptions options = LaunchOptions.parse();
        assertThat(options.demo()).isFalse();
        assertThat(options.fresh()).isFalse();
        assertThat(options.dashboardPort()).isEqualTo(8080);
        assertThat(options.kafkaPort()).isEqualTo(19092);
    }

    @Test
    void optionsCombineInAnyOrder() {
        LaunchOptions options = LaunchOptions.parse("--fresh", "--port", "9000", "--demo");
        assertThat(options.demo()).isTrue();
        assertThat(options.fresh()).isTrue();
        assertThat(options.dashboardPort()).isEqualTo(9000);
    }

    @Test
    void unknownOptionIsRejectedByName() {
        assertThatThrownBy(() -> LaunchOptions.parse("--dmeo")).isInstanceOf(UsageException.class)
                .hasMessage("unknown option '--dmeo'");
    }

    @Test
    void portMustBeANumberInRange() {
        assertThatThrownBy(() -> LaunchOptions.parse("--port", "http")).isInstanceOf(UsageException.class)
                .hasMessageContaining("'http'");
        assertThatThrownBy(() -> LaunchOptions.parse("--port", "70000")).isInstanceOf(UsageException.class);
        assertThatThrownBy(() -> LaunchOptions.parse("--port")).isInstanceOf(UsageException.class)
                .hasMessage("--port needs a value");
    }
}

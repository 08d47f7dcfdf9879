package io.crewstream.ingestor.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InstanceIdTest {

    @Test
    void theDefaultIsTheHostNameAndProcessIdWithEveryIllegalCharacterReplaced() {
        assertThat(InstanceId.fromHostAndPid("ingestor 1/eu:west", 4211).value()).isEqualTo("ingestor_1_eu_west-4211");
    }

    @Test
    void aLongHostNameIsCutSoThatTheProcessIdStaysWhole() {
        InstanceId id = InstanceId.fromHostAndPid("h".repeat(300), 987654);

        assertThat(id.value()).hasSize(InstanceId.MAX_LENGTH).endsWith("-987654");
    }

    @Test
    void thisProcessHasAValidDefault() {
        assertThat(InstanceId.ofThisProcess().value()).endsWith("-" + ProcessHandle.current().pid());
    }

    @Test
    void aConfiguredIdMustKeepToTheRule() {
        assertThat(InstanceId.isValid(null)).as("unset: the default is used").isTrue();
        assertThat(InstanceId.isValid("ingestor-a.1_b")).isTrue();
        assertThat(InstanceId.isValid("with space")).isFalse();
        assertThat(InstanceId.isValid("x".repeat(101))).isFalse();
        assertThatThrownBy(() -> new InstanceId("a/b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(InstanceId.RULE);
    }
}

package io.crewstream.projector;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class ProjectorPropertiesTest {

    @Test
    void errorHoldShorterThanASecondIsRefusedNamingTheSetting() {
        for (Duration tooShort : new Duration[] { Duration.ofNanos(500), Duration.ofMillis(999), Duration.ZERO,
                Duration.ofSeconds(-1) }) {
            assertThatIllegalArgumentException().as(tooShort.toString())
                    .isThrownBy(() -> new ProjectorProperties.Activity(tooShort))
                    .withMessage("crewstream.projector.activity.error-hold must be at least 1s but was " + tooShort);
        }
    }

    @Test
    void errorHoldOfASecondOrMoreIsAccepted() {
        assertThat(new ProjectorProperties.Activity(Duration.ofSeconds(1)).errorHold()).hasSeconds(1);
        assertThat(new ProjectorProperties.Activity(Duration.ofMillis(1_500)).errorHold()).hasMillis(1_500);
    }
}

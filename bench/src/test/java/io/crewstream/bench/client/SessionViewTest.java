package io.crewstream.bench.client;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class SessionViewTest {

    @Test
    void theSessionKeyIsTheTopLevelOneNotANestedOne() {
        String payload = "{\"deliveryContext\":{\"key\":\"nested\"},\"parentSessionKey\":\"agent:main:main\","
                + "\"key\":\"agent:main:s1\",\"connectionId\":\"c\"}";

        assertThat(SessionView.topLevelKey(payload)).isEqualTo("agent:main:s1");
    }

    @Test
    void aPayloadWithoutKeyIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> SessionView.topLevelKey("{\"connectionId\":\"c\"}"));
    }
}

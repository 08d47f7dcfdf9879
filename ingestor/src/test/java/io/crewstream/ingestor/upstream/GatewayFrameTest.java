package io.crewstream.ingestor.upstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class GatewayFrameTest {

    @Test
    void eventsCarryTheirNameSeqAndPayload() throws Exception {
        GatewayFrame frame = GatewayFrame.parse("""
                {"type":"event","event":"sessions.changed","payload":{"sessionKey":"agent:main:a","reason":"patch"},"seq":7}""");

        assertThat(frame.type()).isEqualTo("event");
        assertThat(frame.event()).isEqualTo("sessions.changed");
        assertThat(frame.seq()).isEqualTo(7L);
        assertThat(frame.payload().path("sessionKey").asString()).isEqualTo("agent:main:a");
    }

    @Test
    void responsesCarryTheirIdOutcomeAndError() throws Exception {
        GatewayFrame frame = GatewayFrame.parse("""
                {"type":"res","id":"3","ok":false,"error":{"code":"INVALID_REQUEST","message":"bad",
                 "details":{"code":"AUTH_TOKEN_MISMATCH"},"retryAfterMs":500}}""");

        assertThat(frame.id()).isEqualTo("3");
        assertThat(frame.ok()).isFalse();
        GatewayError error = GatewayError.from(frame.error());
        assertThat(error.mostSpecificCode()).isEqualTo("AUTH_TOKEN_MISMATCH");
        assertThat(error.isAuthFailure()).isTrue();
        assertThat(error.retryAfterMs()).isEqualTo(500L);
    }

    @Test
    void textThatIsNotAProtocolFrameIsMalformedWithAReason() {
        assertThatExceptionOfType(MalformedFrameException.class)
                .isThrownBy(() -> GatewayFrame.parse("{\"type\":\"event\",\"event\":\"tick\",\"payload\":{\"ts\":"))
                .withMessageStartingWith("not JSON");
        assertThatExceptionOfType(MalformedFrameException.class)
                .isThrownBy(() -> GatewayFrame.parse("[1,2]")).withMessage("not a JSON object");
        assertThatExceptionOfType(MalformedFrameException.class)
                .isThrownBy(() -> GatewayFrame.parse("{\"type\":\"event\"}")).withMessage("no string 'event'");
        assertThatExceptionOfType(MalformedFrameException.class)
                .isThrownBy(() -> GatewayFrame.parse("{\"type\":\"res\",\"id\":\"1\"}"))
                .withMessage("response without boolean 'ok'");
        assertThatExceptionOfType(MalformedFrameException.class)
                .isThrownBy(() -> GatewayFrame.parse("{\"type\":\"event\",\"event\":\"tick\",\"seq\":-1}"))
                .withMessageContaining("seq");
        assertThatExceptionOfType(MalformedFrameException.class)
                .isThrownBy(() -> GatewayFrame.parse("{\"type\":\"res\",\"id\":\"1\",\"ok\":true} trailing"));
    }

    @Test
    void helloOkGivesProtocolScopesAndPolicy() throws Exception {
        GatewayFrame frame = GatewayFrame.parse("""
                {"type":"res","id":"1","ok":true,"payload":{"type":"hello-ok","protocol":4,
                 "server":{"version":"2026.9.6","connId":"c1"},
                 "auth":{"role":"operator","scopes":["operator.read"],"method":"token"},
                 "policy":{"maxPayload":26214400,"maxBufferedBytes":52428800,"tickIntervalMs":30000}}}""");

        HelloOk hello = HelloOk.from(frame.payload());

        assertThat(hello.protocol()).isEqualTo(4);
        assertThat(hello.scopes()).containsExactly("operator.read");
        assertThat(hello.tickIntervalMs()).isEqualTo(30000L);
        assertThat(hello.maxPayload()).isEqualTo(26214400L);
        assertThat(hello.serverVersion()).isEqualTo("2026.9.6");
    }

    @Test
    void aPageThatSaysHasMoreWithoutANextOffsetIsRejectedRatherThanLoopedOn() throws Exception {
        GatewayFrame frame = GatewayFrame.parse("""
                {"type":"res","id":"1","ok":true,"payload":{"sessions":[{"key":"agent:main:a","kind":"direct"},
                 {"kind":"direct"}],"hasMore":true,"nextOffset":null}}""");

        assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(() -> SessionsPage.from(frame.payload()))
                .withMessageContaining("nextOffset");
    }

    @Test
    void rowsWithoutAKeyAreSetAsideWithTheReason() throws Exception {
        GatewayFrame frame = GatewayFrame.parse("""
                {"type":"res","id":"1","ok":true,"payload":{"sessions":[{"key":"agent:main:a","kind":"direct"},
                 {"kind":"direct"}, 5],"hasMore":false,"nextOffset":null}}""");

        SessionsPage page = SessionsPage.from(frame.payload());

        assertThat(page.rows()).extracting(row -> row.key()).containsExactly("agent:main:a");
        assertThat(page.rejectedRows()).hasSize(2);
        assertThat(page.hasMore()).isFalse();
    }
}

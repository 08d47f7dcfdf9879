package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionUpserted;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** The meaning of {@code sessions.changed} payloads, as the protocol reference defines it. */
class SessionChangeTest {

    @Test
    void aKeyedChangeWithItsRowIsAnUpsertCarryingTheWholeRow() {
        SessionChange change = SessionChange.of("gw", json("""
                {"sessionKey":"agent:main:t1","agentId":"main","reason":"create","ts":5,
                 "session":{"key":"agent:main:t1","kind":"direct","label":"t1","thinkingLevel":"high"}}"""), 7L, 9L);

        assertThat(change).isInstanceOfSatisfying(SessionChange.Publish.class, publish -> assertThat(publish.event())
                .isInstanceOfSatisfying(SessionUpserted.class, upserted -> {
                    assertThat(upserted.sessionKey()).isEqualTo("agent:main:t1");
                    assertThat(upserted.reason()).isEqualTo("create");
                    assertThat(upserted.upstreamSeq()).isEqualTo(7L);
                    assertThat(upserted.observedAt()).isEqualTo(9L);
                    assertThat(upserted.session().fields().path("thinkingLevel").asString()).isEqualTo("high");
                }));
    }

    @Test
    void aKeyedDeleteIsARemoval() {
        SessionChange change = SessionChange.of("gw", json("""
                {"sessionKey":"agent:main:t3","sessionId":"809b","agentId":"main","reason":"delete","ts":1}"""), 5L, 1L);

        assertThat(change).isInstanceOfSatisfying(SessionChange.Publish.class, publish -> assertThat(publish.event())
                .isEqualTo(SessionRemoved.of("gw", "agent:main:t3", "delete", 5L, 1L)));
    }

    @Test
    void aKeylessDeleteIsMarkedAsTheEchoAKeyedDeleteMayHave() {
        assertThat(SessionChange.of("gw", json("{\"reason\":\"delete\",\"ts\":1}"), 6L, 1L))
                .isEqualTo(new SessionChange.Reload("keyless change (delete)", true));
        assertThat(SessionChange.of("gw", json("{\"reason\":\"update\",\"ts\":1}"), 6L, 1L))
                .isEqualTo(new SessionChange.Reload("keyless change (update)", false));
    }

    @Test
    void keylessChangesMeanReloadTheList() {
        assertThat(SessionChange.of("gw", json("{\"reason\":\"delete\",\"ts\":1}"), 6L, 1L))
                .isInstanceOf(SessionChange.Reload.class);
        assertThat(SessionChange.of("gw", json("{\"reason\":\"update\",\"ts\":1,\"catalogChanged\":true}"), 6L, 1L))
                .isInstanceOf(SessionChange.Reload.class);
    }

    @Test
    void aKeyedNonDeleteWithoutAUsableRowMeansReload() {
        assertThat(SessionChange.of("gw", json("{\"sessionKey\":\"agent:main:a\",\"reason\":\"send\",\"ts\":1}"),
                1L, 1L)).isInstanceOf(SessionChange.Reload.class);
        assertThat(SessionChange.of("gw", json("""
                {"sessionKey":"agent:main:a","reason":"patch","session":{"kind":"direct"}}"""), 1L, 1L))
                .isInstanceOf(SessionChange.Reload.class);
        assertThat(SessionChange.of("gw", json("""
                {"sessionKey":"agent:main:a","reason":"patch","session":{"key":"agent:main:b"}}"""), 1L, 1L))
                .isInstanceOf(SessionChange.Reload.class);
    }

    @Test
    void unknownReasonsWithARowAreTreatedAsRowChanged() {
        assertThat(SessionChange.of("gw", json("""
                {"sessionKey":"agent:main:a","reason":"brand-new-reason","session":{"key":"agent:main:a"}}"""), 1L,
                1L)).isInstanceOf(SessionChange.Publish.class);
    }

    private static JsonNode json(String text) {
        return GatewayJson.mapper().readTree(text);
    }
}

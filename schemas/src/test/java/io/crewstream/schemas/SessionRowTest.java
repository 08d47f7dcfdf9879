package io.crewstream.schemas;

import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.serde.ContractJson;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SessionRowTest {

    @Test
    void wellKnownFieldsAreTyped() {
        SessionRow row = row("{\"key\":\"agent:main:main\",\"kind\":\"direct\",\"label\":\"Main\",\"model\":\"m\","
                + "\"updatedAt\":1795398399000,\"totalTokens\":12,\"contextTokens\":200000,\"status\":\"running\"}");

        assertThat(row.key()).isEqualTo("agent:main:main");
        assertThat(row.kind()).isEqualTo("direct");
        assertThat(row.label()).isEqualTo("Main");
        assertThat(row.updatedAt()).isEqualTo(1795398399000L);
        assertThat(row.totalTokens()).isEqualTo(12L);
        assertThat(row.status()).isEqualTo("running");
        assertThat(row.displayName()).isNull();
    }

    @Test
    void agentIdComesFromTheRowElseFromTheKey() {
        assertThat(row("{\"key\":\"agent:ops:main\",\"agentId\":\"dev\"}").agentId()).isEqualTo("dev");
        assertThat(row("{\"key\":\"agent:ops:subagent:3\"}").agentId()).isEqualTo("ops");
        assertThat(row("{\"key\":\"global\"}").agentId()).isNull();
    }

    @Test
    void nullUpdatedAtIsUnknownNotZero() {
        assertThat(row("{\"key\":\"k\",\"updatedAt\":null}").updatedAt()).isNull();
    }

    @Test
    void volatileFieldsDoNotCountAsAChange() {
        SessionRow before = row("{\"key\":\"k\",\"label\":\"a\",\"snapshotAt\":1}");
        SessionRow after = row("{\"key\":\"k\",\"label\":\"a\",\"snapshotAt\":2}");
        SessionRow renamed = row("{\"key\":\"k\",\"label\":\"b\",\"snapshotAt\":2}");

        assertThat(before.sameContentAs(after)).isTrue();
        assertThat(before).isNotEqualTo(after);
        assertThat(before.sameContentAs(renamed)).isFalse();
    }

    @Test
    void aFieldAddedRemovedOrChangedIsAChangeAndAVolatileOneOnOneSideOnlyIsNot() {
        SessionRow base = read("{\"key\":\"k\",\"status\":\"running\",\"snapshotAt\":1}");
        assertThat(base.sameContentAs(read("{\"key\":\"k\",\"status\":\"running\"}"))).isTrue();
        assertThat(base.sameContentAs(read("{\"key\":\"k\",\"status\":\"running\",\"ts\":9}"))).isTrue();
        assertThat(base.sameContentAs(read("{\"key\":\"k\",\"status\":\"running\",\"label\":null}"))).isFalse();
        assertThat(base.sameContentAs(read("{\"key\":\"k\"}"))).isFalse();
        assertThat(base.sameContentAs(read("{\"key\":\"k\",\"status\":\"done\",\"snapshotAt\":1}"))).isFalse();
        assertThat(base.sameContentAs(read("{\"key\":\"k\",\"state\":\"running\",\"snapshotAt\":1}"))).isFalse();
    }

    /** As the deserializer makes it (no copy), unlike {@link #row}. */
    private static SessionRow read(String json) {
        return ContractJson.mapper().readValue(json, SessionRow.class);
    }

    @Test
    void rowCannotBeChangedThroughTheNodeItWasMadeFromOrGaveOut() {
        ObjectNode source = (ObjectNode) ContractJson.mapper().readTree("{\"key\":\"k\",\"label\":\"a\"}");
        SessionRow row = SessionRow.of(source);

        source.put("label", "changed");
        row.fields().put("label", "changed too");

        assertThat(row.label()).isEqualTo("a");
    }

    @Test
    void anAdoptedNodeMakesTheSameRowAsACopyAndIsCheckedAlike() {
        ObjectNode node = (ObjectNode) ContractJson.mapper().readTree("{\"key\":\"k\",\"label\":\"a\"}");

        assertThat(SessionRow.adopt(node)).isEqualTo(SessionRow.of(node));
        assertThatThrownBy(() -> SessionRow.adopt((ObjectNode) ContractJson.mapper().readTree("{\"key\":42}")))
                .isInstanceOf(InvalidFieldException.class);
    }

    @Test
    void nonStringKeyIsInvalid() {
        assertThatThrownBy(() -> row("{\"key\":42}"))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("SessionRow: field 'key' must be a non-blank string");
    }

    private static SessionRow row(String json) {
        return SessionRow.of((ObjectNode) ContractJson.mapper().readTree(json));
    }
}

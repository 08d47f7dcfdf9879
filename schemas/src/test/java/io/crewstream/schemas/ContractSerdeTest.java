package io.crewstream.schemas;

import java.nio.charset.StandardCharsets;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContractSerdeTest {

    private final ContractSerde<SessionEvent> events = ContractSerdes.sessionEvents();

    private final ContractSerde<SessionState> sessionState = ContractSerdes.sessionState();

    @Test
    void malformedJsonIsAMalformedRecordNamingTheTopic() {
        assertThatThrownBy(() -> this.events.deserialize("crewstream.session-events.v1", bytes("{\"type\":\"sess")))
                .isInstanceOf(MalformedRecordException.class)
                .isInstanceOf(SerializationException.class)
                .hasMessageContaining("Malformed SessionEvent on crewstream.session-events.v1");
    }

    @Test
    void trailingGarbageAfterAValidRecordIsMalformed() {
        String valid = new String(ContractSchemas.resource("crewstream/examples/v1/session-event.session-removed.json"),
                StandardCharsets.UTF_8);

        assertThatThrownBy(() -> this.events.deserialize("t", bytes(valid + " {}")))
                .isInstanceOf(MalformedRecordException.class);
    }

    @Test
    void unknownSchemaVersionIsRejectedWithTheVersionAndTheRecordName() {
        String v2 = "{\"type\":\"session-removed\",\"schemaVersion\":2,\"connectionId\":\"local\","
                + "\"sessionKey\":\"agent:main:x\",\"observedAt\":1}";

        assertThatThrownBy(() -> this.events.deserialize("t", bytes(v2)))
                .isInstanceOfSatisfying(UnsupportedSchemaVersionException.class,
                        ex -> assertThat(ex.version()).isEqualTo(2))
                .hasMessageContaining("SessionRemoved: schemaVersion 2 is not supported");
    }

    @Test
    void missingSchemaVersionIsAMissingField() {
        String noVersion = "{\"type\":\"session-removed\",\"connectionId\":\"local\",\"sessionKey\":\"k\",\"observedAt\":1}";

        assertThatThrownBy(() -> this.events.deserialize("t", bytes(noVersion)))
                .isInstanceOfSatisfying(MissingFieldException.class,
                        ex -> assertThat(ex.fieldName()).isEqualTo("schemaVersion"));
    }

    @Test
    void missingKeyFieldIsAMissingFieldWithAClearMessage() {
        String noConnection = "{\"schemaVersion\":1,\"sessionKey\":\"agent:main:main\",\"changeType\":\"created\","
                + "\"revision\":1,\"observedAt\":5,\"session\":{\"key\":\"agent:main:main\"}}";

        assertThatThrownBy(() -> this.sessionState.deserialize("t", bytes(noConnection)))
                .isInstanceOf(MissingFieldException.class)
                .hasMessage("SessionState: required field 'connectionId' is missing");
    }

    @Test
    void sessionRowWithoutKeyIsAMissingField() {
        String rowWithoutKey = "{\"type\":\"session-upserted\",\"schemaVersion\":1,\"connectionId\":\"local\","
                + "\"sessionKey\":\"k\",\"observedAt\":1,\"session\":{\"kind\":\"direct\"}}";

        assertThatThrownBy(() -> this.events.deserialize("t", bytes(rowWithoutKey)))
                .isInstanceOf(MissingFieldException.class)
                .hasMessage("SessionRow: required field 'key' is missing");
    }

    @Test
    void unknownEventTypeIsMalformed() {
        String unknownType = "{\"type\":\"session-exploded\",\"schemaVersion\":1,\"connectionId\":\"local\"}";

        assertThatThrownBy(() -> this.events.deserialize("t", bytes(unknownType)))
                .isInstanceOf(MalformedRecordException.class)
                .hasMessageContaining("session-exploded");
    }

    @Test
    void unknownStateValueNamesTheAllowedOnes() {
        String badState = "{\"schemaVersion\":1,\"connectionId\":\"local\",\"state\":\"sleepy\",\"since\":1,\"observedAt\":1}";

        assertThatThrownBy(() -> ContractSerdes.connectionState().deserialize("t", bytes(badState)))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("connecting, connected, disconnected, auth_failed, unreachable")
                .hasMessageContaining("'sleepy'");
    }

    @Test
    void illegalConnectionIdIsRejected() {
        String slash = "{\"schemaVersion\":1,\"connectionId\":\"a/b\",\"state\":\"connected\",\"since\":1,\"observedAt\":1}";

        assertThatThrownBy(() -> ContractSerdes.connectionState().deserialize("t", bytes(slash)))
                .isInstanceOf(InvalidFieldException.class)
                .hasMessageContaining("connectionId");
    }

    @Test
    void fieldsAddedLaterInTheSameVersionAreIgnoredByOlderReaders() {
        String withNewField = "{\"schemaVersion\":1,\"connectionId\":\"local\",\"state\":\"connected\",\"since\":1,"
                + "\"observedAt\":1,\"addedInALaterRelease\":{\"x\":1}}";

        ConnectionState state = ContractSerdes.connectionState().deserialize("t", bytes(withNewField));

        assertThat(state.connectionId()).isEqualTo("local");
    }

    @Test
    void unknownFieldsOfSessionRowsSurviveTheRoundTrip() {
        String upsert = "{\"type\":\"session-upserted\",\"schemaVersion\":1,\"connectionId\":\"local\","
                + "\"sessionKey\":\"agent:main:x\",\"observedAt\":1,\"session\":{\"key\":\"agent:main:x\","
                + "\"brandNewGatewayField\":{\"deep\":[1,{\"a\":null}]},\"fastMode\":true}}";

        SessionUpserted event = (SessionUpserted) this.events.deserialize("t", bytes(upsert));
        String written = new String(this.events.serialize("t", event), StandardCharsets.UTF_8);

        assertThat(written).contains("\"brandNewGatewayField\":{\"deep\":[1,{\"a\":null}]}", "\"fastMode\":true");
    }

    @Test
    void tombstonesStayNullBothWays() {
        assertThat(this.sessionState.deserialize("t", null)).isNull();
        assertThat(this.sessionState.serialize("t", null)).isNull();
    }

    @Test
    void typedSerdeForATopicMustMatchItsValueType() {
        assertThat(ContractSerdes.forTopic(Topic.SESSION_STATE, SessionState.class).type()).isEqualTo(SessionState.class);
        assertThatThrownBy(() -> ContractSerdes.forTopic(Topic.SESSION_STATE, ConnectionState.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SESSION_STATE carries SessionState");
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

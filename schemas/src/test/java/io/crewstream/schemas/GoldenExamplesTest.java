package io.crewstream.schemas;

import java.util.stream.Stream;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/** Every schema has golden examples; each is valid and survives a trip through its Java record unchanged. */
class GoldenExamplesTest {

    static Stream<Arguments> examples() {
        return Stream.of(Payload.values())
                .flatMap(payload -> payload.exampleResources().stream().map(example -> Arguments.of(payload, example)));
    }

    @ParameterizedTest(name = "{1}")
    @EnumSource(Payload.class)
    void everyPayloadShipsASchemaAndAtLeastOneExample(Payload payload) {
        assertThat(ContractSchemas.resource(payload.schemaResource())).isNotEmpty();
        assertThat(payload.exampleResources()).isNotEmpty();
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("examples")
    void goldenExampleValidatesAgainstItsSchema(Payload payload, String example) {
        assertThat(ContractSchemas.validate(payload, ContractSchemas.resource(example))).isEmpty();
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("examples")
    void goldenExampleRoundTripsThroughItsRecordUnchanged(Payload payload, String example) {
        byte[] original = ContractSchemas.resource(example);
        ContractSerde<?> serde = ContractSerdes.of(payload.javaType());

        Object record = serde.deserialize("golden", original);
        byte[] written = serialize(serde, record);

        assertThat(record).isInstanceOf(payload.javaType());
        JsonNode expected = ContractJson.mapper().readTree(original);
        assertThat(ContractJson.mapper().readTree(written)).isEqualTo(expected);
        assertThat(serde.deserialize("golden", written)).isEqualTo(record);
    }

    @SuppressWarnings("unchecked")
    private static <T> byte[] serialize(ContractSerde<T> serde, Object record) {
        return serde.serialize("golden", (T) record);
    }
}

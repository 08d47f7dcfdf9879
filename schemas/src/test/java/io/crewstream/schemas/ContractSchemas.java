package io.crewstream.schemas;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.JsonNode;

/** Loads the shipped JSON Schemas from the classpath (their {@code $id}s map onto it) and validates JSON with them. */
final class ContractSchemas {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaIdResolvers(resolvers -> resolvers.mapPrefix(Payload.SCHEMA_ID_BASE,
                    "classpath:" + Payload.SCHEMA_FOLDER)));

    private ContractSchemas() {
    }

    static List<Error> validate(Payload payload, JsonNode json) {
        Schema schema = REGISTRY.getSchema(SchemaLocation.of(payload.schemaId()));
        return schema.validate(json);
    }

    static List<Error> validate(Payload payload, byte[] json) {
        return validate(payload, ContractJson.mapper().readTree(json));
    }

    static byte[] resource(String name) {
        try (InputStream in = ContractSchemas.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Missing classpath resource " + name);
            }
            return in.readAllBytes();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

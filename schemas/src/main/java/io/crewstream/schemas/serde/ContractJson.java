package io.crewstream.schemas.serde;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON mapping of the contract. {@link JsonMapper} is immutable and thread-safe, so one instance serves
 * every serde and thread.
 */
public final class ContractJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            // Optional fields are absent rather than null, which keeps records small and schemas simple.
            .changeDefaultPropertyInclusion(inclusion -> JsonInclude.Value.construct(JsonInclude.Include.NON_NULL,
                    JsonInclude.Include.NON_NULL))
            // Fields appear in declaration order: records read like their Javadoc.
            .disable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            // Additive evolution: a reader ignores fields added later within the same schema version.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // "{...} garbage" is a broken record, not a record.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private ContractJson() {
    }

    public static JsonMapper mapper() {
        return MAPPER;
    }
}

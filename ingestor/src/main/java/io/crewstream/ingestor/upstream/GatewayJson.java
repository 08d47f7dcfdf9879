package io.crewstream.ingestor.upstream;

import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** The JSON mapping of the gateway's wire frames. Immutable and thread-safe. */
final class GatewayJson {

    private static final JsonMapper MAPPER = JsonMapper.builder()
            // One JSON object per text message: anything after it means the frame is broken.
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private GatewayJson() {
    }

    static JsonMapper mapper() {
        return MAPPER;
    }
}

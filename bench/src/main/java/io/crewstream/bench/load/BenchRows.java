package io.crewstream.bench.load;

import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.node.ObjectNode;

/** Session rows shaped like the gateway's, padded to a chosen size, carrying the bench send time. Stateless. */
public final class BenchRows {

    private BenchRows() {
    }

    public static String key(int index) {
        return "agent:main:bench-" + index;
    }

    /**
     * @param approximateBytes serialized size to aim for (the preview text is padded to reach it)
     * @param sentAtMicros the bench send time, or -1 for none
     */
    public static SessionRow row(int index, long version, int approximateBytes, long sentAtMicros) {
        ObjectNode fields = ContractJson.mapper().createObjectNode();
        fields.put("key", key(index));
        fields.put("kind", "direct");
        fields.put("agentId", "main");
        fields.put("sessionId", "sid-bench-" + index);
        fields.put("label", "bench " + index);
        fields.put("updatedAt", System.currentTimeMillis());
        fields.put("status", (version % 3 == 0) ? "done" : "running");
        fields.put("totalTokens", 1000 + version);
        fields.put("modelProvider", "anthropic");
        fields.put("model", "claude-sonnet-4-5");
        if (sentAtMicros > 0) {
            fields.put(BenchTimestamps.FIELD, sentAtMicros);
        }
        int padding = Math.max(0, approximateBytes - ContractJson.mapper().writeValueAsBytes(fields).length - 30);
        fields.put("lastMessagePreview", "x".repeat(padding));
        return SessionRow.of(fields);
    }
}

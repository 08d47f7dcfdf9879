package io.crewstream.ingestor.upstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

    @Test
    void aDeviceTokenInHelloOkIsReplacedBeforeTheFrameIsRecorded() {
        String hello = """
                {"type":"res","id":"1","ok":true,"payload":{"type":"hello-ok","protocol":4,
                 "auth":{"role":"operator","scopes":["operator.read"],"deviceToken":"dt-secret-123"}}}""";

        String recorded = Redaction.redactedText(GatewayJson.mapper().readTree(hello));

        assertThat(recorded).doesNotContain("dt-secret-123").contains("\"deviceToken\":\"[redacted]\"")
                .contains("\"scopes\":[\"operator.read\"]");
    }

    @Test
    void framesWithoutSecretsAreRecordedAsReceivedAndTokenCountsAreData() {
        String page = """
                {"type":"res","id":"2","ok":true,"payload":{"sessions":[{"key":"a","totalTokens":1200,
                 "contextTokens":200000}]}}""";

        assertThat(Redaction.redactedText(GatewayJson.mapper().readTree(page))).isNull();
    }

    @Test
    void aTokenInACutFrameIsRedactedEvenWhenTheCutIsInsideTheSecret() {
        String cut = "{\"type\":\"res\",\"id\":\"1\",\"ok\":true,\"payload\":{\"type\":\"hello-ok\","
                + "\"auth\":{\"deviceToken\" : \"dt-secret-123";

        assertThat(Redaction.redactedUnparsed(cut)).doesNotContain("dt-secret")
                .endsWith("\"deviceToken\" : \"[redacted]\"").startsWith("{\"type\":\"res\"");
    }

    @Test
    void everyStringPropertyNamedLikeATokenIsRedactedInTextThatIsNotJson() {
        String malformed = "{\"a\":{\"AccessToken\":\"one\\\"two\",\"refresh_token\":\"three\"},\"label\":\"token\","
                + "\"totalTokens\":1200,\"contextTokens\":\"200k\",\"deviceToken\":12,";

        String redacted = Redaction.redactedUnparsed(malformed);

        assertThat(redacted).doesNotContain("one").doesNotContain("two").doesNotContain("three")
                .contains("\"AccessToken\":\"[redacted]\",\"refresh_token\":\"[redacted]\"")
                .contains("\"label\":\"token\"").contains("\"totalTokens\":1200")
                .contains("\"contextTokens\":\"200k\"").contains("\"deviceToken\":12");
    }
}

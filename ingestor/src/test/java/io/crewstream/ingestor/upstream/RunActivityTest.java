package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunEventKind;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.RunUsage;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The meaning of {@code agent}, {@code session.tool} and {@code chat} payloads, shaped as {@code openclaw@2026.9.6}
 * sends them ({@code enrichAgentEvent}: runId, stream, data, sessionKey, sessionId for lifecycle, agentId, seq, ts;
 * {@code emitChatTerminal}: runId, sessionKey, seq, state, stopReason, message / errorMessage, errorKind — no ts).
 */
class RunActivityTest {

    private static final long OBSERVED = 1_795_398_400_100L;

    @Test
    void lifecycleStartIsARunStartedAtTheGatewaysTimeWithItsRunSeq() {
        RunEvent event = published(agent("""
                {"runId":"r1","stream":"lifecycle","data":{"phase":"start","startedAt":1795398400000},
                 "sessionKey":"agent:main:main","sessionId":"s-1","agentId":"main","seq":1,"ts":1795398400001,
                 "isHeartbeat":false}"""));

        assertThat(event).isEqualTo(RunEvent.runStarted("gw", "agent:main:main", "main", "r1", 1795398400001L,
                OBSERVED, 1L));
    }

    @Test
    void lifecycleEndIsACompletedRun() {
        RunEvent event = published(agent("""
                {"runId":"r1","stream":"lifecycle","data":{"phase":"end","stopReason":"stop","startedAt":1,
                 "endedAt":9},"sessionKey":"agent:main:main","agentId":"main","seq":7,"ts":10}"""));

        assertThat(event.kind()).isEqualTo(RunEventKind.RUN_ENDED);
        assertThat(event.outcome()).isEqualTo(RunOutcome.COMPLETED);
        assertThat(event.errorKind()).isNull();
        assertThat(event.runSeq()).isEqualTo(7L);
    }

    @Test
    void lifecycleEndMarkedAbortedIsAnAbortedRun() {
        RunEvent event = published(agent("""
                {"runId":"r1","stream":"lifecycle","data":{"phase":"end","stopReason":"aborted","aborted":true},
                 "sessionKey":"agent:main:main","seq":4,"ts":10}"""));

        assertThat(event.outcome()).isEqualTo(RunOutcome.ABORTED);
    }

    @Test
    void lifecycleErrorIsAFailedRunWithTheKindTheGatewayGave() {
        RunEvent event = published(agent("""
                {"runId":"r1","stream":"lifecycle","data":{"phase":"error","error":"429 Too Many Requests",
                 "errorKind":"rate_limit"},"sessionKey":"agent:main:main","seq":5,"ts":10}"""));

        assertThat(event.outcome()).isEqualTo(RunOutcome.ERROR);
        assertThat(event.errorKind()).isEqualTo("rate_limit");
        assertThat(event.summary()).as("summaries are off").isNull();
    }

    @Test
    void lifecycleErrorNamingATimeoutPhaseIsATimeout() {
        RunEvent event = published(agent("""
                {"runId":"r1","stream":"lifecycle","data":{"phase":"error","error":"LLM request timed out.",
                 "timeoutPhase":"provider"},"sessionKey":"agent:main:main","seq":5,"ts":10}"""));

        assertThat(event.errorKind()).isEqualTo("timeout");
    }

    @Test
    void lifecycleErrorWithoutAKindLeavesItToTheChatEvent() {
        RunEvent event = published(agent("""
                {"runId":"r1","stream":"lifecycle","data":{"phase":"error","error":"LLM request failed."},
                 "sessionKey":"agent:main:main","seq":5,"ts":10}"""));

        assertThat(event.outcome()).isEqualTo(RunOutcome.ERROR);
        assertThat(event.errorKind()).isNull();
    }

    @Test
    void otherLifecyclePhasesAreNotSteps() {
        assertThat(RunActivity.of("gw", "agent", json("""
                {"runId":"r1","stream":"lifecycle","data":{"phase":"model","provider":"anthropic","model":"x"},
                 "sessionKey":"agent:main:main","seq":2,"ts":10}"""), OBSERVED, false))
                .isInstanceOf(RunActivity.Ignore.class);
    }

    @Test
    void aLifecycleEventOfARunOutsideAnySessionIsIgnored() {
        assertThat(RunActivity.of("gw", "agent", json("""
                {"runId":"r1","stream":"lifecycle","data":{"phase":"start"},"seq":1,"ts":10}"""), OBSERVED, false))
                .isInstanceOf(RunActivity.Ignore.class);
    }

    @Test
    void toolStartIsAToolStartedWithNameAndCallIdButNeverItsArguments() {
        RunEvent event = published(agent("""
                {"runId":"r1","stream":"tool","data":{"phase":"start","name":"exec","toolCallId":"call_01",
                 "args":{"command":"cat /etc/secret-notes"}},"sessionKey":"agent:main:main","agentId":"main",
                 "seq":3,"ts":20}"""));

        assertThat(event).isEqualTo(RunEvent.toolStarted("gw", "agent:main:main", "main", "r1", 20, OBSERVED, 3L,
                "exec", "call_01"));
    }

    @Test
    void toolResultIsAToolEndedWithTheErrorFlagButNeverTheResult() {
        RunEvent event = published(agent("""
                {"runId":"r1","stream":"tool","data":{"phase":"result","name":"exec","toolCallId":"call_01",
                 "meta":"exec","isError":true,"result":{"content":[{"type":"text","text":"permission denied"}]}},
                 "sessionKey":"agent:main:main","agentId":"main","seq":4,"ts":30}"""));

        assertThat(event).isEqualTo(RunEvent.toolEnded("gw", "agent:main:main", "main", "r1", 30, OBSERVED, 4L,
                "exec", "call_01", true));
    }

    @Test
    void toolUpdatesAreNotSteps() {
        assertThat(RunActivity.of("gw", "agent", json("""
                {"runId":"r1","stream":"tool","data":{"phase":"update","name":"exec","toolCallId":"c",
                 "partialResult":"…"},"sessionKey":"agent:main:main","seq":4,"ts":30}"""), OBSERVED, false))
                .isInstanceOf(RunActivity.Ignore.class);
    }

    @Test
    void sessionToolCarriesTheSameStepAsTheToolStreamWithTheSameId() {
        String payload = """
                {"runId":"r1","stream":"tool","data":{"phase":"start","name":"read","toolCallId":"call_02",
                 "args":{"path":"a"}},"sessionKey":"agent:main:main","agentId":"main","seq":6,"ts":40""";
        RunActivity viaAgent = RunActivity.of("gw", "agent", json(payload + "}"), OBSERVED, false);
        RunActivity viaSessionTool = RunActivity.of("gw", "session.tool", json(payload + """
                ,"key":"agent:main:main","kind":"direct","status":"running","hasActiveRun":true,
                 "session":{"key":"agent:main:main","kind":"direct","status":"running"}}"""), OBSERVED, false);

        assertThat(viaSessionTool).isEqualTo(viaAgent);
        assertThat(((RunActivity.Publish) viaSessionTool).event().kind()).isEqualTo(RunEventKind.TOOL_STARTED);
    }

    @Test
    void textAndOtherStreamsAreNotStepsEvenWithSummaries() {
        for (String stream : new String[] { "assistant", "thinking", "item", "plan", "error",
                "command_output" }) {
            assertThat(RunActivity.of("gw", "agent", json("""
                    {"runId":"r1","stream":"%s","data":{"text":"private words","delta":"words"},
                     "sessionKey":"agent:main:main","seq":2,"ts":10}""".formatted(stream)), OBSERVED, true))
                    .as(stream).isInstanceOf(RunActivity.Ignore.class);
        }
    }

    @Test
    void chatFinalIsACompletedRunAtTheReceiptTime() {
        RunEvent event = published(chat("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":7,"state":"final","stopReason":"stop",
                 "message":{"role":"assistant","content":[{"type":"text","text":"done"}],"timestamp":5}}"""));

        assertThat(event).isEqualTo(RunEvent.runEnded("gw", "agent:main:main", "main", "r1", OBSERVED, OBSERVED, 7L,
                RunOutcome.COMPLETED, null, null, null));
    }

    @Test
    void chatFinalWithUsageCarriesIt() {
        RunEvent event = published(chat("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":7,"state":"final",
                 "usage":{"inputTokens":1200,"outputTokens":340}}"""));

        assertThat(event.usage()).isEqualTo(new RunUsage(1200L, 340L, 1540L));
    }

    @Test
    void theUsageStreamIsTheRunsUsageSoFarNotAnEventOfItsOwn() {
        RunActivity activity = agent("""
                {"runId":"r1","stream":"usage","data":{"outputTokens":300},"sessionKey":"agent:main:main",
                 "agentId":"main","seq":6,"ts":10,"isHeartbeat":false}""");

        assertThat(activity).isEqualTo(new RunActivity.Usage("r1", new RunUsage(null, 300L, null)));
    }

    @Test
    void theUsageStreamAlsoReadsInputAndTotalTokensShouldAGatewaySendThem() {
        RunActivity activity = agent("""
                {"runId":"r1","stream":"usage","data":{"inputTokens":1200,"outputTokens":300},"seq":6,"ts":10}""");

        assertThat(activity).isEqualTo(new RunActivity.Usage("r1", new RunUsage(1200L, 300L, 1500L)));
    }

    @Test
    void aUsageEventNeedsNoSessionKeyItsRunsEndNamesTheSession() {
        assertThat(agent("""
                {"runId":"r1","stream":"usage","data":{"outputTokens":300},"seq":6,"ts":10}"""))
                .isInstanceOf(RunActivity.Usage.class);
    }

    @Test
    void aUsageEventWithoutAUsableTokenCountIsMalformed() {
        for (String data : new String[] { "{}", "{\"outputTokens\":-1}", "{\"outputTokens\":\"300\"}", "300" }) {
            assertThat(malformed("agent", """
                    {"runId":"r1","stream":"usage","data":%s,"sessionKey":"agent:main:main","seq":6}"""
                    .formatted(data))).as(data).contains("usage").contains("r1");
        }
    }

    @Test
    void chatAbortedIsAnAbortedRunWithoutItsMessage() {
        RunEvent event = published(chat("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":4,"state":"aborted","stopReason":"aborted",
                 "errorMessage":"tool validation failed"}"""));

        assertThat(event.outcome()).isEqualTo(RunOutcome.ABORTED);
        assertThat(event.summary()).isNull();
    }

    @Test
    void chatErrorIsAFailedRunWithItsKind() {
        RunEvent event = published(chat("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":5,"state":"error",
                 "errorMessage":"context window exceeded","errorKind":"context_length"}"""));

        assertThat(event.outcome()).isEqualTo(RunOutcome.ERROR);
        assertThat(event.errorKind()).isEqualTo("context_length");
        assertThat(event.summary()).isNull();
    }

    @Test
    void chatDeltasAndStatusesAreNotSteps() {
        assertThat(RunActivity.of("gw", "chat", json("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":2,"state":"delta","deltaText":"hi"}"""),
                OBSERVED, true)).isInstanceOf(RunActivity.Ignore.class);
        assertThat(RunActivity.of("gw", "chat", json("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":2,"state":"status","phase":"starting_model"}"""),
                OBSERVED, true)).isInstanceOf(RunActivity.Ignore.class);
    }

    @Test
    void lifecycleEndAndChatFinalOfOneRunAreTwoEventsWithDifferentIdsThoughTheGatewayNumbersThemAlike() {
        RunActivity.Publish lifecycle = (RunActivity.Publish) RunActivity.of("gw", "agent", json("""
                {"runId":"r1","stream":"lifecycle","data":{"phase":"end"},"sessionKey":"agent:main:main",
                 "seq":7,"ts":10}"""), OBSERVED, false);
        RunActivity.Publish chat = (RunActivity.Publish) RunActivity.of("gw", "chat", json("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":7,"state":"final"}"""), OBSERVED, false);

        assertThat(lifecycle.event().kind()).isEqualTo(chat.event().kind());
        assertThat(lifecycle.eventId()).isNotEqualTo(chat.eventId());
    }

    @Test
    void theEventIdIsDerivedFromTheFrameSoReadingItAgainGivesTheSameId() {
        String frame = """
                {"runId":"r1","stream":"lifecycle","data":{"phase":"start"},"sessionKey":"agent:main:main","ts":3}""";

        RunActivity.Publish first = (RunActivity.Publish) RunActivity.of("gw", "agent", json(frame), 100, false);
        RunActivity.Publish again = (RunActivity.Publish) RunActivity.of("gw", "agent", json(frame), 200, false);

        assertThat(first.eventId()).isEqualTo(again.eventId()).contains("r1");
    }

    @Test
    void theAgentIsTakenFromTheSessionKeyWhenThePayloadDoesNotNameIt() {
        assertThat(published(chat("""
                {"runId":"r1","sessionKey":"agent:reviewer:pr-12","seq":1,"state":"final"}""")).agentId())
                .isEqualTo("reviewer");
        assertThat(published(chat("""
                {"runId":"r1","sessionKey":"global","agentId":"main","seq":1,"state":"final"}""")).agentId())
                .isEqualTo("main");
        assertThat(published(chat("""
                {"runId":"r1","sessionKey":"global","seq":1,"state":"final"}""")).agentId()).isNull();
    }

    @Test
    void withSummariesAToolStartCarriesItsArgumentsShortenedAndWithoutCredentials() {
        RunActivity activity = RunActivity.of("gw", "agent", json("""
                {"runId":"r1","stream":"tool","data":{"phase":"start","name":"web_fetch","toolCallId":"c1",
                 "args":{"url":"https://example.com/%s","apiToken":"sk-live-123"}},
                 "sessionKey":"agent:main:main","seq":3,"ts":20}""".formatted("x".repeat(300))), OBSERVED, true);

        String summary = ((RunActivity.Publish) activity).event().summary();
        assertThat(summary).hasSize(RunEvent.MAX_SUMMARY_CHARS).startsWith("{\"url\":\"https://example.com/xxx")
                .endsWith("…");
        assertThat(RunActivity.of("gw", "agent", json("""
                {"runId":"r1","stream":"tool","data":{"phase":"start","name":"web_fetch","toolCallId":"c1",
                 "args":{"apiToken":"sk-live-123"}},"sessionKey":"agent:main:main","seq":3,"ts":20}"""), OBSERVED,
                true)).isInstanceOfSatisfying(RunActivity.Publish.class, publish -> assertThat(publish.event()
                        .summary()).isEqualTo("{\"apiToken\":\"[redacted]\"}"));
    }

    @Test
    void withSummariesAFailedRunCarriesItsErrorMessage() {
        RunActivity activity = RunActivity.of("gw", "chat", json("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":5,"state":"error",
                 "errorMessage":"429 from provider","errorKind":"rate_limit"}"""), OBSERVED, true);

        assertThat(((RunActivity.Publish) activity).event().summary()).isEqualTo("429 from provider");
    }

    @Test
    void withSummariesOtherStepsHaveNone() {
        RunActivity activity = RunActivity.of("gw", "agent", json("""
                {"runId":"r1","stream":"tool","data":{"phase":"result","name":"exec","toolCallId":"c",
                 "result":"secret output"},"sessionKey":"agent:main:main","seq":4,"ts":30}"""), OBSERVED, true);

        assertThat(((RunActivity.Publish) activity).event().summary()).isNull();
    }

    // ---- malformed and partial frames: reported with a reason, never thrown ------------------------------------

    @Test
    void aPayloadThatIsNotAnObjectIsMalformed() {
        assertThat(malformed("agent", "[1,2]")).contains("payload");
        assertThat(malformed("chat", "null")).contains("payload");
    }

    @Test
    void aFrameWithoutARunIdIsMalformed() {
        assertThat(malformed("agent", """
                {"stream":"lifecycle","data":{"phase":"start"},"sessionKey":"agent:main:main","seq":1}"""))
                .contains("runId");
    }

    @Test
    void anAgentEventWithoutAStreamIsMalformed() {
        assertThat(malformed("agent", """
                {"runId":"r1","data":{"phase":"start"},"sessionKey":"agent:main:main","seq":1}""")).contains("stream");
    }

    @Test
    void aLifecycleOrToolEventWithoutAPhaseIsMalformed() {
        assertThat(malformed("agent", """
                {"runId":"r1","stream":"lifecycle","data":{},"sessionKey":"agent:main:main","seq":1}"""))
                .contains("phase");
        assertThat(malformed("agent", """
                {"runId":"r1","stream":"tool","data":"start","sessionKey":"agent:main:main","seq":1}"""))
                .contains("phase");
    }

    @Test
    void aToolStepWithoutAToolNameIsMalformed() {
        assertThat(malformed("agent", """
                {"runId":"r1","stream":"tool","data":{"phase":"start","toolCallId":"c"},
                 "sessionKey":"agent:main:main","seq":3}""")).contains("name");
    }

    @Test
    void aToolOrChatStepWithoutASessionKeyIsMalformed() {
        assertThat(malformed("agent", """
                {"runId":"r1","stream":"tool","data":{"phase":"start","name":"exec"},"seq":3}"""))
                .contains("sessionKey");
        assertThat(malformed("chat", """
                {"runId":"r1","seq":3,"state":"final"}""")).contains("sessionKey");
    }

    @Test
    void aChatEventWithoutAStateIsMalformed() {
        assertThat(malformed("chat", """
                {"runId":"r1","sessionKey":"agent:main:main","seq":3}""")).contains("state");
    }

    @Test
    void aNegativeOrNonNumericSeqIsMalformed() {
        assertThat(malformed("chat", """
                {"runId":"r1","sessionKey":"agent:main:main","seq":-1,"state":"final"}""")).contains("seq");
        assertThat(malformed("chat", """
                {"runId":"r1","sessionKey":"agent:main:main","seq":"7","state":"final"}""")).contains("seq");
    }

    @Test
    void aSessionToolEventOfAnotherStreamIsMalformed() {
        assertThat(malformed("session.tool", """
                {"runId":"r1","stream":"assistant","data":{"phase":"start","name":"exec"},
                 "sessionKey":"agent:main:main","seq":3}""")).contains("stream");
    }

    @Test
    void unusableCountsInAChatUsageAreLeftOutAndNoneAtAllIsNoUsage() {
        assertThat(published(chat("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":7,"state":"final",
                 "usage":{"inputTokens":-3,"outputTokens":"many","totalTokens":99}}""")).usage())
                .isEqualTo(new RunUsage(null, null, 99L));
        assertThat(published(chat("""
                {"runId":"r1","sessionKey":"agent:main:main","seq":7,"state":"final","usage":{"cost":1}}""")).usage())
                .isNull();
    }

    private static RunEvent published(RunActivity activity) {
        assertThat(activity).isInstanceOf(RunActivity.Publish.class);
        return ((RunActivity.Publish) activity).event();
    }

    private static String malformed(String event, String payload) {
        RunActivity activity = RunActivity.of("gw", event, json(payload), OBSERVED, false);
        assertThat(activity).isInstanceOf(RunActivity.Malformed.class);
        return ((RunActivity.Malformed) activity).reason();
    }

    private static RunActivity agent(String payload) {
        return RunActivity.of("gw", "agent", json(payload), OBSERVED, false);
    }

    private static RunActivity chat(String payload) {
        return RunActivity.of("gw", "chat", json(payload), OBSERVED, false);
    }

    private static JsonNode json(String text) {
        return GatewayJson.mapper().readTree(text);
    }
}

package io.crewstream.ingestor.upstream;

import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunEventKind;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.RunUsage;
import io.crewstream.schemas.records.SessionRow;
import tools.jackson.databind.JsonNode;

/**
 * What one run-activity event of the gateway means for the ingestor: one {@link RunEvent} to publish, the run's token
 * usage so far (published on its end, see {@link RunUsageTracker}), nothing (a stream or state activity does not need),
 * or a frame too broken to use. Pure: the same frame always gives the same
 * answer, including the event id.
 *
 * <p>Read, as {@code openclaw@2026.9.6} sends them ({@code enrichAgentEvent}, {@code emitChatTerminal},
 * {@code broadcastChatFrame}):
 * <ul>
 * <li>{@code agent}, stream {@code lifecycle}: phase {@code start} → run started; {@code end} → ended, completed (or
 * aborted when {@code data.aborted}); {@code error} → ended in error, kind {@code data.errorKind} (or {@code timeout}
 * when it names a {@code timeoutPhase}). Other phases ({@code model}, {@code finishing}) are progress, not steps.</li>
 * <li>{@code agent} stream {@code tool}, and {@code session.tool} (the same payload plus the session row, which is
 * how a gateway shows tool calls to a session subscriber that did not start the run): phase {@code start} → tool
 * started, {@code result} → tool ended; {@code update} is progress.</li>
 * <li>{@code agent} stream {@code usage} ({@code emitAgentRunOutputTokens}): {@code data.outputTokens}, the run's
 * running total (of its current lifecycle generation), after each model call → usage so far. The real gateway sends
 * no other count there; input and total tokens are read too, should a gateway send them.</li>
 * <li>{@code chat}, state {@code final} / {@code aborted} / {@code error} → ended; {@code delta} and {@code status}
 * are not steps.</li>
 * </ul>
 * Every other stream ({@code assistant}, {@code thinking}, {@code item}, {@code plan}, …) is left alone:
 * its text is never read. Tool arguments and results, and error messages, are read only into the opt-in summary.
 */
sealed interface RunActivity {

    String AGENT = "agent";
    String CHAT = "chat";
    String SESSION_TOOL = "session.tool";

    /** Whether {@code event} is one of the events this reads. */
    static boolean carries(String event) {
        return AGENT.equals(event) || CHAT.equals(event) || SESSION_TOOL.equals(event);
    }

    /**
     * @param eventId the CloudEvents id: the run, the stream that numbered the step ({@code agent} or {@code chat},
     *     which count separately and may repeat each other's numbers) and its number, so that the same step read twice
     *     (a tool call as {@code agent} and as {@code session.tool}) gets the same id
     */
    record Publish(RunEvent event, String eventId) implements RunActivity {
    }

    /** The tokens run {@code runId} has used so far, to go on its end; not an event of its own. */
    record Usage(String runId, RunUsage usage) implements RunActivity {
    }

    /** Nothing to publish; {@code why} is for a debug log. */
    record Ignore(String why) implements RunActivity {
    }

    /** Unusable; {@code reason} is safe to log (it never quotes the frame's text). */
    record Malformed(String reason) implements RunActivity {
    }

    /**
     * @param event {@code agent}, {@code chat} or {@code session.tool}
     * @param summaries whether to fill {@link RunEvent#summary()}
     */
    static RunActivity of(String connectionId, String event, JsonNode payload, long observedAt, boolean summaries) {
        if (payload == null || !payload.isObject()) {
            return new Malformed(event + " event without a payload object");
        }
        String runId = text(payload.get("runId"));
        if (runId == null) {
            return new Malformed(event + " event without a runId");
        }
        JsonNode seqNode = payload.get("seq");
        Long runSeq = null;
        if (seqNode != null && !seqNode.isNull()) {
            if (!seqNode.isIntegralNumber() || seqNode.asLong() < 0) {
                return new Malformed(event + " event of run " + runId + " with a seq that is not an integer >= 0");
            }
            runSeq = seqNode.asLong();
        }
        Step step = new Step(connectionId, runId, text(payload.get("sessionKey")), agentId(payload), runSeq,
                timestamp(payload.get("ts"), observedAt), observedAt, summaries);
        try {
            return switch (event) {
                case AGENT -> agent(step, payload);
                case SESSION_TOOL -> tool(step, SESSION_TOOL, payload);
                case CHAT -> chat(step, payload);
                default -> new Ignore("not a run-activity event: " + event);
            };
        }
        catch (ContractViolationException ex) {
            return new Malformed(event + " event of run " + runId + ": " + ex.getMessage());
        }
    }

    private static RunActivity agent(Step step, JsonNode payload) {
        String stream = text(payload.get("stream"));
        if (stream == null) {
            return new Malformed("agent event of run " + step.runId + " without a stream");
        }
        return switch (stream) {
            case "lifecycle" -> lifecycle(step, payload.get("data"));
            case "tool" -> tool(step, AGENT, payload);
            case "usage" -> usageSoFar(step, payload.get("data"));
            default -> new Ignore("agent stream " + stream);
        };
    }

    private static RunActivity lifecycle(Step step, JsonNode data) {
        String phase = data != null && data.isObject() ? text(data.get("phase")) : null;
        if (phase == null) {
            return new Malformed("lifecycle event of run " + step.runId + " without data.phase");
        }
        if (!phase.equals("start") && !phase.equals("end") && !phase.equals("error")) {
            return new Ignore("lifecycle phase " + phase);
        }
        if (step.sessionKey == null) {
            // Runs outside any session (the gateway's own housekeeping) have no activity to show.
            return new Ignore("lifecycle " + phase + " of run " + step.runId + " without a session");
        }
        RunEvent event = switch (phase) {
            case "start" -> RunEvent.runStarted(step.connectionId, step.sessionKey, step.agentId, step.runId, step.at,
                    step.observedAt, step.runSeq);
            case "end" -> RunEvent.runEnded(step.connectionId, step.sessionKey, step.agentId, step.runId, step.at,
                    step.observedAt, step.runSeq,
                    data.path("aborted").asBoolean(false) ? RunOutcome.ABORTED : RunOutcome.COMPLETED, null, null,
                    null);
            default -> RunEvent.runEnded(step.connectionId, step.sessionKey, step.agentId, step.runId, step.at,
                    step.observedAt, step.runSeq, RunOutcome.ERROR, lifecycleErrorKind(data), null,
                    step.summary(text(data.get("error"))));
        };
        return step.publish(event, AGENT);
    }

    /** The gateway names a timeout by its phase and resolves the other kinds for the chat event that follows. */
    private static String lifecycleErrorKind(JsonNode data) {
        String kind = text(data.get("errorKind"));
        if (kind != null) {
            return kind;
        }
        return text(data.get("timeoutPhase")) != null ? RunEvent.TIMEOUT_ERROR_KIND : null;
    }

    private static RunActivity tool(Step step, String event, JsonNode payload) {
        if (event.equals(SESSION_TOOL) && !"tool".equals(text(payload.get("stream")))) {
            return new Malformed("session.tool event of run " + step.runId + " whose stream is not 'tool'");
        }
        JsonNode data = payload.get("data");
        String phase = data != null && data.isObject() ? text(data.get("phase")) : null;
        if (phase == null) {
            return new Malformed("tool event of run " + step.runId + " without data.phase");
        }
        if (!phase.equals("start") && !phase.equals("result")) {
            return new Ignore("tool phase " + phase);
        }
        if (step.sessionKey == null) {
            return new Malformed("tool " + phase + " of run " + step.runId + " without a sessionKey");
        }
        String name = text(data.get("name"));
        if (name == null) {
            return new Malformed("tool " + phase + " of run " + step.runId + " without data.name");
        }
        String toolCallId = text(data.get("toolCallId"));
        if (phase.equals("start")) {
            RunEvent started = RunEvent.toolStarted(step.connectionId, step.sessionKey, step.agentId, step.runId,
                    step.at, step.observedAt, step.runSeq, name, toolCallId);
            String summary = step.summaries ? ActivitySummary.ofArguments(data.get("args")) : null;
            return step.publish(summary == null ? started : with(started, started.usage(), summary), AGENT);
        }
        JsonNode isError = data.get("isError");
        return step.publish(RunEvent.toolEnded(step.connectionId, step.sessionKey, step.agentId, step.runId, step.at,
                step.observedAt, step.runSeq, name, toolCallId, isError != null && isError.isBoolean()
                        ? isError.asBoolean() : null), AGENT);
    }

    /** Needs no session: the usage waits for the run's end, which names it. */
    private static RunActivity usageSoFar(Step step, JsonNode data) {
        RunUsage usage = usage(data);
        if (usage == null) {
            return new Malformed("usage event of run " + step.runId + " without a token count >= 0 in data");
        }
        return new Usage(step.runId, usage);
    }

    private static RunActivity chat(Step step, JsonNode payload) {
        String state = text(payload.get("state"));
        if (state == null) {
            return new Malformed("chat event of run " + step.runId + " without a state");
        }
        RunOutcome outcome = switch (state) {
            case "final" -> RunOutcome.COMPLETED;
            case "aborted" -> RunOutcome.ABORTED;
            case "error" -> RunOutcome.ERROR;
            default -> null;
        };
        if (outcome == null) {
            return new Ignore("chat state " + state);
        }
        if (step.sessionKey == null) {
            return new Malformed("chat " + state + " of run " + step.runId + " without a sessionKey");
        }
        boolean failed = outcome == RunOutcome.ERROR;
        RunUsage usage = outcome == RunOutcome.COMPLETED ? usage(payload.get("usage")) : null;
        return step.publish(RunEvent.runEnded(step.connectionId, step.sessionKey, step.agentId, step.runId, step.at,
                step.observedAt, step.runSeq, outcome, failed ? text(payload.get("errorKind")) : null, usage,
                failed ? step.summary(text(payload.get("errorMessage"))) : null), CHAT);
    }

    /**
     * Lenient: each count that is a non-negative integer is kept; none at all is no usage. Read from a chat
     * {@code usage} and from the {@code usage} stream's {@code data}.
     */
    private static RunUsage usage(JsonNode usage) {
        if (usage == null || !usage.isObject()) {
            return null;
        }
        Long input = count(usage.get("inputTokens"), usage.get("input"));
        Long output = count(usage.get("outputTokens"), usage.get("output"));
        Long total = count(usage.get("totalTokens"), usage.get("total"));
        if (total == null && input != null && output != null) {
            total = input + output;
        }
        return input == null && output == null && total == null ? null : new RunUsage(input, output, total);
    }

    private static Long count(JsonNode named, JsonNode alias) {
        for (JsonNode node : new JsonNode[] { named, alias }) {
            if (node != null && node.isIntegralNumber() && node.asLong() >= 0) {
                return node.asLong();
            }
        }
        return null;
    }

    /** {@code event} with {@code usage} and {@code summary} in place of its own. */
    static RunEvent with(RunEvent event, RunUsage usage, String summary) {
        return new RunEvent(event.schemaVersion(), event.connectionId(), event.sessionKey(), event.agentId(),
                event.runId(), event.kind(), event.at(), event.observedAt(), event.runSeq(), event.toolName(),
                event.toolCallId(), event.toolError(), event.outcome(), event.errorKind(), usage, summary);
    }

    /** The payload's {@code agentId}, else the agent of an {@code agent:<agentId>:…} session key. */
    private static String agentId(JsonNode payload) {
        String agentId = text(payload.get("agentId"));
        if (agentId != null) {
            return agentId;
        }
        return SessionRow.agentIdOfKey(text(payload.get("sessionKey")));
    }

    /** {@code chat} payloads carry no time of their own: then the receipt time stands in. */
    private static long timestamp(JsonNode ts, long observedAt) {
        return ts != null && ts.isIntegralNumber() && ts.asLong() >= 0 ? ts.asLong() : observedAt;
    }

    private static String text(JsonNode node) {
        return node != null && node.isString() && !node.asString().isBlank() ? node.asString() : null;
    }

    /** What every step of one frame shares. */
    record Step(String connectionId, String runId, String sessionKey, String agentId, Long runSeq, long at,
            long observedAt, boolean summaries) {

        Publish publish(RunEvent event, String numberedBy) {
            String number = this.runSeq != null ? Long.toString(this.runSeq)
                    : event.kind().wireName() + "@" + this.at
                            + (event.toolCallId() != null ? "/" + event.toolCallId() : "");
            return new Publish(event, this.runId + "/" + numberedBy + "/" + number);
        }

        String summary(String message) {
            return this.summaries ? ActivitySummary.ofErrorMessage(message) : null;
        }
    }
}

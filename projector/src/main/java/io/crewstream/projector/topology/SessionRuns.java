package io.crewstream.projector.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.records.ActivityError;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.RunEvent;
import io.crewstream.schemas.records.RunEventKind;
import io.crewstream.schemas.records.RunOutcome;
import io.crewstream.schemas.records.RunSummary;
import io.crewstream.schemas.records.RunUsage;
import io.crewstream.schemas.records.SessionActivity;

/**
 * What one session's runs are doing, folded from its run events: a pure, immutable state machine (no Kafka in it),
 * stored per session by {@link ActivityTable}. Its {@link Phase} is
 *
 * <ul>
 * <li>{@link Idle}: no run in progress;</li>
 * <li>{@link Busy}: at least one run in progress, tracked by run id with its tool calls in progress (tracked by
 * tool call id), which makes the session {@code thinking} or, while any call runs, {@code running-tool};</li>
 * <li>{@link Failed}: the last run failed and no run is in progress, shown until {@link Failed#expiresAt()}.</li>
 * </ul>
 *
 * Rules: any event of a run not yet seen starts it (a session already busy when crewstream connected); a run
 * starting ends an error at once; the session is busy while any of its runs is (overlapping runs of one session are
 * all tracked, and the one to end last decides between idle and error). The first end of a run ends it; a second end
 * of the same run (the gateway reports a lifecycle end and a chat final) only adds the usage and error kind the first
 * did not have; any other event of an ended run is ignored. A run closed as {@code interrupted} ({@link #interrupt})
 * did not end as far as the gateway is concerned (a network blip, a snapshot that missed it): it is not remembered
 * as ended, so a later event of it reopens it like any run not yet seen, and its later end records its real
 * outcome.
 *
 * @param phase what the session is doing
 * @param lastError the last failed run (kept after the error is no longer shown)
 * @param lastRun the last run that ended
 * @param endedRuns the ids of the runs that ended most recently (at most {@link #ENDED_RUNS_KEPT}), whose late
 *     events are ignored; never a run closed as {@code interrupted}
 */
record SessionRuns(Phase phase, ActivityError lastError, RunSummary lastRun, List<String> endedRuns) {

    /** How many ended run ids are remembered: enough for a second end or a straggling tool event. */
    static final int ENDED_RUNS_KEPT = 16;

    /** A session nothing is known about. */
    static SessionRuns start(long at) {
        return new SessionRuns(new Idle(at), null, null, List.of());
    }

    SessionRuns {
        Objects.requireNonNull(phase, "phase");
        endedRuns = List.copyOf(endedRuns);
    }

    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.PROPERTY, property = "phase")
    @JsonSubTypes({ @JsonSubTypes.Type(value = Idle.class, name = "idle"),
            @JsonSubTypes.Type(value = Busy.class, name = "busy"),
            @JsonSubTypes.Type(value = Failed.class, name = "failed") })
    sealed interface Phase permits Idle, Busy, Failed {
    }

    /** @param since when the session became idle */
    record Idle(long since) implements Phase {
    }

    /**
     * @param runs the runs in progress, in the order they were first seen (never empty)
     * @param since when the session entered what it shows now ({@code thinking}, or the current tool)
     */
    record Busy(List<ActiveRun> runs, long since) implements Phase {

        Busy {
            runs = List.copyOf(runs);
            if (runs.isEmpty()) {
                throw new IllegalArgumentException("a busy session has a run");
            }
        }
    }

    /** @param expiresAt when the error stops being shown (processor wall-clock time, epoch ms) */
    record Failed(long expiresAt) implements Phase {
    }

    /**
     * A run in progress.
     * @param startedAt its start as the gateway stamped it; null when crewstream did not see its start
     * @param firstSeenAt when the ingestor received its first event: a snapshot taken before that cannot know it
     * @param tools its tool calls in progress, in the order they started
     * @param toolCalls how many tool calls it started
     */
    record ActiveRun(String runId, Long startedAt, long firstSeenAt, List<ToolCall> tools, long toolCalls) {

        ActiveRun {
            tools = List.copyOf(tools);
        }
    }

    /** @param callId the gateway's tool call id, or a stand-in when it sent none */
    record ToolCall(String callId, String toolName, long since) {
    }

    // --- transitions ------------------------------------------------------------------------------------------

    /**
     * @param event an event of this session
     * @param errorExpiresAt until when an error this event reports is shown
     * @return the state after it; {@code this} when the event changes nothing
     */
    SessionRuns apply(RunEvent event, long errorExpiresAt) {
        String runId = event.runId();
        if (this.endedRuns.contains(runId)) {
            return event.kind() == RunEventKind.RUN_ENDED ? mergeSecondEnd(event)
                    : this;
        }
        List<ActiveRun> runs = new ArrayList<>(activeRuns());
        int index = indexOf(runs, runId);
        ActiveRun run = index >= 0 ? runs.get(index) : firstSeen(runId, event.observedAt());
        switch (event.kind()) {
            case RUN_ENDED:
                if (index >= 0) {
                    runs.remove(index);
                }
                return ended(run, event, runs, errorExpiresAt);
            case RUN_STARTED:
                run = run.startedAt() == null ? new ActiveRun(runId, event.at(), run.firstSeenAt(), run.tools(),
                        run.toolCalls()) : run;
                break;
            case TOOL_STARTED:
                run = toolStarted(run, event);
                break;
            case TOOL_ENDED:
                run = toolEnded(run, event);
                break;
            default:
                throw new IllegalStateException("Unknown run event kind " + event.kind());
        }
        if (index >= 0) {
            runs.set(index, run);
        }
        else {
            runs.add(run);
        }
        return withRuns(runs, event.at());
    }

    /**
     * A run with no event seen yet, or one closed as {@code interrupted} that shows it is still going: the latter
     * keeps its start and tool calls, which its last summary holds.
     */
    private ActiveRun firstSeen(String runId, long observedAt) {
        RunSummary last = this.lastRun;
        if (last != null && last.runId().equals(runId) && last.outcome() == RunOutcome.INTERRUPTED) {
            return new ActiveRun(runId, last.startedAt(), observedAt, List.of(),
                    last.toolCalls() == null ? 0 : last.toolCalls());
        }
        return new ActiveRun(runId, null, observedAt, List.of(), 0);
    }

    /**
     * Ends every run in progress that the ingestor first saw before {@code seenBefore} with outcome
     * {@code interrupted}: its end was never reported (a restarted gateway, a lost connection). Such a run is not
     * remembered as ended: if the gateway was still running it, its next event reopens it.
     * @return the state after it; {@code this} when no run was closed
     */
    SessionRuns interrupt(long at, long seenBefore) {
        List<ActiveRun> kept = new ArrayList<>();
        RunSummary last = this.lastRun;
        for (ActiveRun run : activeRuns()) {
            if (run.firstSeenAt() <= seenBefore) {
                last = summary(run, RunOutcome.INTERRUPTED, at, null, null);
            }
            else {
                kept.add(run);
            }
        }
        if (kept.size() == activeRuns().size()) {
            return this;
        }
        Phase next = kept.isEmpty() ? new Idle(at) : new Busy(kept, ((Busy) this.phase).since());
        return new SessionRuns(next, this.lastError, last, this.endedRuns);
    }

    /** @return idle, keeping the last error, once a shown error's time is up; else {@code this} */
    SessionRuns expireError(long now) {
        if (this.phase instanceof Failed failed && failed.expiresAt() <= now) {
            return new SessionRuns(new Idle(now), this.lastError, this.lastRun, this.endedRuns);
        }
        return this;
    }

    /** Until when an error is shown; null when none is. */
    Long errorExpiresAt() {
        return this.phase instanceof Failed failed ? failed.expiresAt() : null;
    }

    private SessionRuns ended(ActiveRun run, RunEvent event, List<ActiveRun> stillRunning, long errorExpiresAt) {
        boolean failed = event.outcome() == RunOutcome.ERROR;
        RunSummary summary = summary(run, event.outcome(), event.at(), failed ? event.errorKind() : null,
                event.usage());
        ActivityError error = failed ? new ActivityError(kindOf(event.errorKind()), event.at(), run.runId(), null)
                : this.lastError;
        List<String> ended = new ArrayList<>(this.endedRuns);
        remember(ended, run.runId());
        Phase next;
        if (!stillRunning.isEmpty()) {
            // Another run of the session is still in progress: the session is busy, whatever this one's outcome.
            Busy busy = (Busy) this.phase;
            next = new Busy(stillRunning, busy.since());
        }
        else if (failed) {
            next = new Failed(errorExpiresAt);
        }
        else {
            next = new Idle(event.at());
        }
        return new SessionRuns(next, error, summary, ended);
    }

    /** The second end of a run: only what the first did not say is added; the phase stays. */
    private SessionRuns mergeSecondEnd(RunEvent event) {
        RunSummary last = this.lastRun;
        if (last == null || !last.runId().equals(event.runId())) {
            return this;
        }
        String errorKind = last.outcome() == RunOutcome.ERROR && last.errorKind() == null ? event.errorKind()
                : last.errorKind();
        RunSummary merged = new RunSummary(last.runId(), last.outcome(), last.startedAt(), last.endedAt(),
                last.durationMs(), last.toolCalls(), errorKind, mergedUsage(last.usage(), event.usage()));
        ActivityError error = this.lastError;
        if (error != null && error.runId().equals(event.runId()) && errorKind != null
                && ActivityError.UNKNOWN_KIND.equals(error.kind())) {
            error = new ActivityError(errorKind, error.at(), error.runId(), error.sessionKey());
        }
        if (merged.equals(last) && Objects.equals(error, this.lastError)) {
            return this;
        }
        return new SessionRuns(this.phase, error, merged, this.endedRuns);
    }

    private static RunUsage mergedUsage(RunUsage first, RunUsage second) {
        if (first == null || second == null) {
            return first == null ? second : first;
        }
        return new RunUsage(first.inputTokens() != null ? first.inputTokens() : second.inputTokens(),
                first.outputTokens() != null ? first.outputTokens() : second.outputTokens(),
                first.totalTokens() != null ? first.totalTokens() : second.totalTokens());
    }

    private static ActiveRun toolStarted(ActiveRun run, RunEvent event) {
        String callId = event.toolCallId() != null ? event.toolCallId()
                : "#" + (run.toolCalls() + 1) + ":" + event.toolName();
        if (run.tools().stream().anyMatch(call -> call.callId().equals(callId))) {
            return run;
        }
        List<ToolCall> tools = new ArrayList<>(run.tools());
        tools.add(new ToolCall(callId, event.toolName(), event.at()));
        return new ActiveRun(run.runId(), run.startedAt(), run.firstSeenAt(), tools, run.toolCalls() + 1);
    }

    private static ActiveRun toolEnded(ActiveRun run, RunEvent event) {
        List<ToolCall> tools = new ArrayList<>(run.tools());
        int match = -1;
        for (int i = tools.size() - 1; i >= 0 && match < 0; i--) {
            ToolCall call = tools.get(i);
            boolean same = event.toolCallId() != null ? call.callId().equals(event.toolCallId())
                    : Objects.equals(call.toolName(), event.toolName());
            match = same ? i : -1;
        }
        if (match < 0) {
            return run;
        }
        tools.remove(match);
        return new ActiveRun(run.runId(), run.startedAt(), run.firstSeenAt(), tools, run.toolCalls());
    }

    private SessionRuns withRuns(List<ActiveRun> runs, long at) {
        Busy next = new Busy(runs, at);
        // 'since' moves only when what is shown moves: thinking → tool, tool → another tool, tool → thinking.
        long since = this.phase instanceof Busy busy && Objects.equals(currentTool(busy), currentTool(next))
                ? busy.since() : at;
        return new SessionRuns(new Busy(runs, since), this.lastError, this.lastRun, this.endedRuns);
    }

    private List<ActiveRun> activeRuns() {
        return this.phase instanceof Busy busy ? busy.runs() : List.of();
    }

    private static int indexOf(List<ActiveRun> runs, String runId) {
        for (int i = 0; i < runs.size(); i++) {
            if (runs.get(i).runId().equals(runId)) {
                return i;
            }
        }
        return -1;
    }

    private static RunSummary summary(ActiveRun run, RunOutcome outcome, long endedAt, String errorKind,
            RunUsage usage) {
        Long duration = run.startedAt() == null ? null : Math.max(0, endedAt - run.startedAt());
        return new RunSummary(run.runId(), outcome, run.startedAt(), endedAt, duration, run.toolCalls(), errorKind,
                usage);
    }

    private static String kindOf(String errorKind) {
        return errorKind == null || errorKind.isBlank() ? ActivityError.UNKNOWN_KIND : errorKind;
    }

    private static void remember(List<String> ended, String runId) {
        ended.remove(runId);
        ended.add(runId);
        while (ended.size() > ENDED_RUNS_KEPT) {
            ended.remove(0);
        }
    }

    // --- what is shown ----------------------------------------------------------------------------------------

    /** The most recently started tool call in progress, over all runs; null when none is. */
    private static ToolCall currentTool(Busy busy) {
        ToolCall current = null;
        for (ActiveRun run : busy.runs()) {
            for (ToolCall call : run.tools()) {
                if (current == null || call.since() >= current.since()) {
                    current = call;
                }
            }
        }
        return current;
    }

    ActivityState state() {
        if (this.phase instanceof Busy busy) {
            return currentTool(busy) == null ? ActivityState.THINKING : ActivityState.RUNNING_TOOL;
        }
        return this.phase instanceof Failed ? ActivityState.ERROR : ActivityState.IDLE;
    }

    /**
     * The row to publish for this state.
     * @param previous the row published last for the session, or null
     * @param agentId the session's agent, when known
     * @param updatedAt when the change happened (the event's {@code observedAt}, or the timer's time)
     * @return {@code previous} when nothing shown changed, else the next revision
     */
    SessionActivity toRow(SessionActivity previous, String connectionId, String sessionKey, String agentId,
            long updatedAt) {
        ActivityState state = state();
        long since;
        String runId = null;
        String toolName = null;
        Long runningTools = null;
        if (this.phase instanceof Busy busy) {
            ToolCall tool = currentTool(busy);
            since = tool != null ? tool.since() : busy.since();
            toolName = tool != null ? tool.toolName() : null;
            runningTools = tool != null
                    ? (Long) busy.runs().stream().mapToLong(run -> run.tools().size()).sum() : null;
            runId = tool != null ? runOf(busy, tool) : busy.runs().get(busy.runs().size() - 1).runId();
        }
        else if (this.phase instanceof Failed) {
            since = this.lastError.at();
        }
        else {
            since = ((Idle) this.phase).since();
        }
        String agent = agentId != null ? agentId : previous == null ? null : previous.agentId();
        long revision = previous == null ? 1 : previous.revision() + 1;
        SessionActivity next = new SessionActivity(SchemaVersion.CURRENT, connectionId, sessionKey, agent, state,
                since, runId, toolName, runningTools, this.lastError, this.lastRun, revision, updatedAt);
        return previous != null && sameContent(previous, next) ? previous : next;
    }

    private static String runOf(Busy busy, ToolCall tool) {
        return busy.runs().stream().filter(run -> run.tools().contains(tool)).findFirst().orElseThrow().runId();
    }

    /** Whether two rows show the same, whatever their revision and time. */
    static boolean sameContent(SessionActivity a, SessionActivity b) {
        return unversioned(a).equals(unversioned(b));
    }

    private static SessionActivity unversioned(SessionActivity row) {
        return new SessionActivity(row.schemaVersion(), row.connectionId(), row.sessionKey(), row.agentId(),
                row.state(), row.since(), row.runId(), row.toolName(), row.runningTools(), row.lastError(),
                row.lastRun(), 1L, 0L);
    }
}

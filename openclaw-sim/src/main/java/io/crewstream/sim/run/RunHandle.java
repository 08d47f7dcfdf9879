package io.crewstream.sim.run;

import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.node.ObjectNode;

/**
 * One open agent run on a session, driven step by step. Every method sends its frames before it returns. After the
 * run ended (any terminal method, or a restart cut it off) further calls throw {@link IllegalStateException}.
 *
 * <p>Threading: thread-safe; all runs of one simulator serialize on one lock, so frames of concurrent runs interleave
 * but each run's frames leave in {@code seq} order.
 */
public interface RunHandle {

    String runId();

    String sessionKey();

    /** Sends tool {@code start} with {@code args} and returns the {@code toolCallId}. */
    String toolStart(String name, ObjectNode args);

    /** {@link #toolStart(String, ObjectNode)} with made-up args. */
    String toolStart(String name);

    /** Sends tool {@code result} ({@code isError} as given) for a call started by {@link #toolStart}. */
    void toolEnd(String toolCallId, boolean isError);

    /** Appends {@code delta} to the assistant text: an {@code assistant} agent event and a chat {@code delta}. */
    void assistantText(String delta);

    /** Ends well: usage, {@code lifecycle end}, chat {@code final}; the row's tokens grow by {@code usage}. */
    void finish(Usage usage);

    /** Ends in error: {@code lifecycle error}, chat {@code error} with {@code errorKind} and {@code errorMessage}. */
    void fail(ErrorKind kind, String message);

    /** Ends aborted: {@code lifecycle end {aborted:true}}, chat {@code aborted}. */
    void abort();

    boolean isOpen();

    /** Completes with the outcome when the run ends (also {@link RunOutcome.CutOff} on a restart). */
    CompletableFuture<RunOutcome> outcome();
}

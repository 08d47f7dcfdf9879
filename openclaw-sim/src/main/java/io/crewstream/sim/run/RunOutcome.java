package io.crewstream.sim.run;

/**
 * How a run ended. Sealed: a run ends exactly one of these ways, and {@link CutOff} is the one no client ever hears
 * about (the gateway went away mid-run).
 */
public sealed interface RunOutcome {

    /** {@code lifecycle end} + chat {@code final}; session {@code status: "done"}. */
    record Finished(Usage usage) implements RunOutcome {
    }

    /** {@code lifecycle error} + chat {@code error}; session {@code status: "failed"} ({@code "timeout"} for TIMEOUT). */
    record Failed(ErrorKind kind, String message) implements RunOutcome {
    }

    /** {@code lifecycle end {aborted:true}} + chat {@code aborted}; session {@code status: "killed"}. */
    record Aborted() implements RunOutcome {
    }

    /** The gateway restarted or stopped while the run was open: no terminal event was ever sent. */
    record CutOff() implements RunOutcome {
    }

    /** The session status a row shows after this outcome. */
    default String sessionStatus() {
        if (this instanceof Finished) {
            return "done";
        }
        if (this instanceof Failed failed) {
            return failed.kind() == ErrorKind.TIMEOUT ? "timeout" : "failed";
        }
        // The real gateway shows a run interrupted by a restart as "failed" ("interrupted" is mapped to it).
        return this instanceof Aborted ? "killed" : "failed";
    }
}

package io.crewstream.bench.chaos;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import io.crewstream.bench.client.CheckerClient;

/**
 * The outcome of one fault: whether every client's view equalled the truth within the bound after the fault was
 * healed, how long that took, what still differed when the bound ran out (summed over the clients; all zero when
 * it converged), and what the clients counted over the whole fault (from injection to convergence or the bound).
 */
public record Verdict(String fault, int round, boolean converged, Duration timeToConverge, Duration bound,
        ViewDiff diff, CheckerClient.Counts counts) {

    /** One line, {@code VERDICT fault=… converged=yes in=6.2s …}, what the CI log and the docs show. */
    public String line() {
        return String.format(Locale.ROOT,
                "VERDICT fault=%s round=%d converged=%s in=%s bound=%ds lost=%d stale=%d dup=%d resurrected=%d"
                        + " regressed=%d reconnects=%d resumed=%d refreshed=%d",
                this.fault, this.round, this.converged ? "yes" : "no",
                this.converged ? seconds(this.timeToConverge) : "-", this.bound.toSeconds(), this.diff.lost(),
                this.diff.stale(), this.counts.duplicates(), this.diff.resurrected(), this.counts.regressions(),
                this.counts.reconnects(), this.counts.resumed(), this.counts.refreshed());
    }

    /** The final line over every fault: {@code VERDICT overall=converged …} or {@code overall=not-converged …}. */
    public static String overall(List<Verdict> verdicts) {
        List<Verdict> failed = verdicts.stream().filter(verdict -> !verdict.converged()).toList();
        Duration worst = verdicts.stream().filter(Verdict::converged).map(Verdict::timeToConverge)
                .max(Duration::compareTo).orElse(Duration.ZERO);
        return String.format(Locale.ROOT, "VERDICT overall=%s faults=%d converged=%d worst=%s%s",
                failed.isEmpty() ? "converged" : "not-converged", verdicts.size(), verdicts.size() - failed.size(),
                seconds(worst), failed.isEmpty() ? ""
                        : " failed=" + String.join(",", failed.stream().map(Verdict::fault).distinct().toList()));
    }

    private static String seconds(Duration duration) {
        return String.format(Locale.ROOT, "%.1fs", duration.toMillis() / 1000.0);
    }
}

package io.crewstream.bench.scenario;

import java.util.List;

import io.crewstream.bench.Options;
import io.crewstream.bench.chaos.Verdict;
import io.crewstream.bench.chaos.ViewDiff;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The short chaos run of issue #21, in CI: one round of every fault in {@link #FAULTS} against the services this
 * build has just packaged (the reactor builds them before this module), each in its own JVM, with checker clients
 * on two SSE gateways. Every fault must converge to the simulator's truth within its bound; the verdict lines are
 * printed to the build log. The long run and what each count means: bench/README.md and RELIABILITY.md.
 */
class ChaosRunTest {

    /** Every fault: each converges today (RELIABILITY.md); one that stops converging must fail the build. */
    static final List<String> FAULTS = ChaosScenario.FAULTS;

    @Test
    void everyFaultConvergesToTheSimulatorsTruth() throws Exception {
        Options options = Options.parse(new String[] { "--repo", "..", "--results", "bench/target/chaos-ci",
                "--name", "chaos-ci", "--faults", String.join(",", FAULTS), "--rounds", "1", "--fault-seconds", "4",
                "--bound-seconds", "90", "--sessions", "30", "--rate", "20", "--clients-per-gateway", "1" }, 0);

        List<Verdict> verdicts;
        try (BenchContext context = new BenchContext(options)) {
            verdicts = new ChaosScenario().chaos(context, options);
        }

        assertThat(verdicts).extracting(Verdict::fault).containsExactlyElementsOf(FAULTS);
        assertThat(verdicts).allSatisfy(verdict -> {
            assertThat(verdict.converged()).as(verdict.line()).isTrue();
            assertThat(verdict.diff()).as(verdict.line()).isEqualTo(ViewDiff.NONE);
            assertThat(verdict.counts().duplicates()).as(verdict.line()).isZero();
        });
        // The killed gateway's client went to the other one and got its stream back, resumed or refreshed.
        Verdict gatewayKill = verdicts.stream().filter(verdict -> verdict.fault().equals("kill-gateway")).findFirst()
                .orElseThrow();
        assertThat(gatewayKill.counts().reconnects()).as(gatewayKill.line()).isGreaterThanOrEqualTo(1);
        assertThat(gatewayKill.counts().resumed() + gatewayKill.counts().refreshed()).as(gatewayKill.line())
                .isEqualTo(gatewayKill.counts().reconnects());
    }
}

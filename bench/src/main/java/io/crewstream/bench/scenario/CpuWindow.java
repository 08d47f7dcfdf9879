package io.crewstream.bench.scenario;

import java.util.List;

import io.crewstream.bench.process.ProcessStats;

/** CPU used by some processes over a wall-clock window, as a percentage of one core. Not thread-safe. */
final class CpuWindow {

    private final List<Long> pids;

    private final double startCpu;

    private final long startNanos = System.nanoTime();

    CpuWindow(List<Long> pids) {
        this.pids = List.copyOf(pids);
        this.startCpu = total();
    }

    /** Percent of one core used since construction (200 = both cores of this machine, fully). */
    double percentOfOneCore() {
        double seconds = (System.nanoTime() - this.startNanos) / 1e9;
        return Math.round((total() - this.startCpu) / seconds * 1000) / 10.0;
    }

    /** CPU seconds used since construction. */
    double cpuSeconds() {
        return total() - this.startCpu;
    }

    private double total() {
        return this.pids.stream().mapToDouble(ProcessStats::cpuSeconds).filter(c -> c >= 0).sum();
    }
}

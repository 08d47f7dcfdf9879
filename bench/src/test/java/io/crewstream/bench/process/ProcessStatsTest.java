package io.crewstream.bench.process;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessStatsTest {

    @Test
    void readsG1sHeapLine() {
        String heapInfo = """
                12345:
                 garbage-first heap   total 262144K, used 41234K [0x00000000f0000000, 0x0000000100000000)
                  region size 1024K, 3 young (3072K), 0 survivors (0K)
                 Metaspace       used 60000K, committed 60500K, reserved 1114112K
                """;

        assertThat(ProcessStats.heapUsedKb(heapInfo)).isEqualTo(41234);
    }

    @Test
    void sumsTheGenerationsOfTheSerialCollectorAndNotTheirSpaces() {
        String heapInfo = """
                12345:
                 def new generation   total 9792K, used 1024K [0x00000000f0000000, 0x00000000f0aa0000)
                  eden space 8704K,  11% used [0x00000000f0000000, 0x00000000f0100000)
                  from space 1088K,   0% used [0x00000000f0100000, 0x00000000f0210000)
                 tenured generation   total 21888K, used 20000K [0x00000000f5550000, 0x00000000f6ab0000)
                   the space 21888K,  91% used [0x00000000f5550000, 0x00000000f6ab0000)
                 Metaspace       used 60000K, committed 60500K, reserved 1114112K
                """;

        assertThat(ProcessStats.heapUsedKb(heapInfo)).isEqualTo(21024);
    }

    @Test
    void anUnknownCollectorsOutputIsNoFigure() {
        assertThat(ProcessStats.heapUsedKb(" ZHeap           used 30M, capacity 64M, max capacity 256M\n"))
                .isEqualTo(-1);
    }
}

package io.crewstream.testsupport.net;

import java.time.Duration;

/** What a {@link FaultProxy} does to the bytes it forwards. Immutable. */
public sealed interface NetworkFault {

    /** No fault: forwarded as it comes. */
    NetworkFault PASS = new Pass();

    /** Forwarded as it comes. */
    record Pass() implements NetworkFault {
    }

    /** Each chunk forwarded {@code delay} after it was read, in each direction. */
    record Latency(Duration delay) implements NetworkFault {

        public Latency {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("latency must not be negative: " + delay);
            }
        }
    }

    /** Nothing forwarded, nothing closed: a silent peer, no FIN, no RST. */
    record BlackHole() implements NetworkFault {
    }

    /** Each direction of each connection paced to {@code bytesPerSecond}. */
    record Bandwidth(long bytesPerSecond) implements NetworkFault {

        public Bandwidth {
            if (bytesPerSecond <= 0) {
                throw new IllegalArgumentException("bandwidth must be positive: " + bytesPerSecond);
            }
        }
    }
}

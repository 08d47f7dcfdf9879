package io.crewstream.ssegateway.stream;

import java.time.Instant;
import java.util.Optional;

import io.crewstream.ssegateway.security.GatewayScope;
import io.crewstream.ssegateway.security.Viewer;
import io.crewstream.testsupport.time.MovableClock;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streams per subject on Netty's {@link EmbeddedChannel}: counted while the channel is open, released by its close,
 * which is how every stream ends (the client leaving, a slow-client disconnect, expiry, shutdown).
 */
class StreamsPerSubjectTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T10:00:00Z"));

    private final StreamsPerSubject streams = new StreamsPerSubject(2, this.clock);

    private static Viewer viewer(String subject) {
        return new Viewer(subject, GatewayScope.ALL, Optional.empty());
    }

    @Test
    void aSubjectMayHoldTheLimitAndOneMoreIsRefusedWhileOthersAreUnaffected() {
        assertThat(this.streams.admit(viewer("alice"), new EmbeddedChannel())).isTrue();
        assertThat(this.streams.admit(viewer("alice"), new EmbeddedChannel())).isTrue();

        assertThat(this.streams.admit(viewer("alice"), new EmbeddedChannel())).isFalse();

        assertThat(this.streams.open("alice")).as("a refused stream does not count").isEqualTo(2);
        assertThat(this.streams.admit(viewer("bob"), new EmbeddedChannel())).isTrue();
    }

    @Test
    void closingAStreamsChannelReleasesItsPlaceAndTheLastOneForgetsTheSubject() {
        EmbeddedChannel first = new EmbeddedChannel();
        EmbeddedChannel second = new EmbeddedChannel();
        this.streams.admit(viewer("alice"), first);
        this.streams.admit(viewer("alice"), second);

        first.close();
        assertThat(this.streams.open("alice")).isEqualTo(1);
        EmbeddedChannel third = new EmbeddedChannel();
        assertThat(this.streams.admit(viewer("alice"), third)).isTrue();

        second.close();
        third.close();
        assertThat(this.streams.open("alice")).isZero();
        assertThat(this.streams.subjects()).isZero();
    }

    @Test
    void aChannelAlreadyClosedWhenAdmittedIsReleasedAtOnce() {
        EmbeddedChannel gone = new EmbeddedChannel();
        gone.close();

        assertThat(this.streams.admit(viewer("alice"), gone)).isTrue();

        assertThat(this.streams.open("alice")).isZero();
        assertThat(this.streams.subjects()).isZero();
    }

    @Test
    void limitZeroAdmitsEveryStreamAndCountsNothing() {
        StreamsPerSubject off = new StreamsPerSubject(0, this.clock);
        for (int i = 0; i < 100; i++) {
            assertThat(off.admit(Viewer.OPEN, new EmbeddedChannel())).isTrue();
        }
        assertThat(off.subjects()).isZero();
    }
}

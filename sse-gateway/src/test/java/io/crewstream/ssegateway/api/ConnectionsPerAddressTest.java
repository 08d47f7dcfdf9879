package io.crewstream.ssegateway.api;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;

import io.crewstream.testsupport.time.MovableClock;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-address count and its refusals, one rule per test, on plain addresses and a clock the test moves. */
class ConnectionsPerAddressTest {

    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-02T12:00:00Z"));

    private final InetAddress first = address(1);

    private final InetAddress second = address(2);

    @Test
    void anAddressMayHoldTheLimitAndNoMoreWhileAnotherAddressIsUnaffected() {
        ConnectionsPerAddress connections = new ConnectionsPerAddress(2, INTERVAL, this.clock);

        assertThat(connections.admit(this.first)).isInstanceOf(ConnectionsPerAddress.Admitted.class);
        assertThat(connections.admit(this.first)).isInstanceOf(ConnectionsPerAddress.Admitted.class);
        assertThat(connections.admit(this.first)).isInstanceOf(ConnectionsPerAddress.Refused.class);
        assertThat(connections.admit(this.second)).isInstanceOf(ConnectionsPerAddress.Admitted.class);
        assertThat(connections.open(this.first)).isEqualTo(2);
        assertThat(connections.open(this.second)).isEqualTo(1);
    }

    @Test
    void aReleasedConnectionFreesItsPlaceAndTheLastOneForgetsTheAddress() {
        ConnectionsPerAddress connections = new ConnectionsPerAddress(1, INTERVAL, this.clock);
        connections.admit(this.first);

        connections.release(this.first);

        assertThat(connections.open(this.first)).isZero();
        assertThat(connections.admit(this.first)).isInstanceOf(ConnectionsPerAddress.Admitted.class);
    }

    @Test
    void theFirstRefusalIsLoggedThenAtMostOneLinePerIntervalWithTheCountSinceTheLastLine() {
        ConnectionsPerAddress connections = new ConnectionsPerAddress(1, INTERVAL, this.clock);
        connections.admit(this.first);

        assertThat(refusal(connections)).isEqualTo(new ConnectionsPerAddress.Refused(1));
        for (int i = 0; i < 4; i++) {
            this.clock.advance(Duration.ofSeconds(10));
            assertThat(refusal(connections).logNow()).isFalse();
        }
        this.clock.advance(Duration.ofSeconds(20));
        assertThat(refusal(connections)).as("the four held back and this one")
                .isEqualTo(new ConnectionsPerAddress.Refused(5));
        assertThat(refusal(connections).logNow()).isFalse();
    }

    @Test
    void limitZeroAdmitsEveryConnectionAndStillCountsThem() {
        ConnectionsPerAddress connections = new ConnectionsPerAddress(0, INTERVAL, this.clock);

        for (int i = 0; i < 1_000; i++) {
            assertThat(connections.admit(this.first)).isInstanceOf(ConnectionsPerAddress.Admitted.class);
        }
        assertThat(connections.open(this.first)).isEqualTo(1_000);
    }

    private ConnectionsPerAddress.Refused refusal(ConnectionsPerAddress connections) {
        return (ConnectionsPerAddress.Refused) connections.admit(this.first);
    }

    private static InetAddress address(int last) {
        try {
            return InetAddress.getByAddress(new byte[] { 10, 0, 0, (byte) last });
        }
        catch (UnknownHostException ex) {
            throw new IllegalStateException(ex);
        }
    }
}

package io.crewstream.ssegateway.api;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.Channel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets a new connection in, or closes it at once when its address already holds as many connections as
 * {@link ConnectionsPerAddress} allows: each refusal is counted ({@code reason=connections-per-address}), and logged
 * at most once per address per interval with the number refused since the last line. An admitted connection is
 * released when it closes. Behind a proxy every connection comes from the proxy's address: there the limit is
 * switched off and set at the proxy instead.
 *
 * <p>Threading: one instance shared by every event loop; called on the loop of the connection being set up, it
 * touches only that channel and the thread-safe {@link ConnectionsPerAddress}.
 */
public final class ConnectionAdmission {

    private static final Logger log = LoggerFactory.getLogger(ConnectionAdmission.class);

    private final ConnectionsPerAddress connections;

    private final Duration logInterval;

    private final Counter refusals;

    public ConnectionAdmission(ConnectionsPerAddress connections, Duration logInterval, Counter refusals) {
        this.connections = connections;
        this.logInterval = logInterval;
        this.refusals = refusals;
    }

    /**
     * @param channel a connection just accepted
     * @return whether the connection may go on; if not, it is being closed
     */
    public boolean admit(Channel channel) {
        // The channel's own address: Reactor Netty passes none to a server's channel initializers.
        if (!(channel.remoteAddress() instanceof InetSocketAddress remote) || remote.getAddress() == null) {
            // Not an IP connection (a Unix socket): there is no address to count by.
            return true;
        }
        InetAddress address = remote.getAddress();
        ConnectionsPerAddress.Admission admission = this.connections.admit(address);
        if (admission instanceof ConnectionsPerAddress.Refused refused) {
            this.refusals.increment();
            if (refused.logNow()) {
                log.warn("Refused {} connection(s) from {} since the last line about it: it holds {} open "
                        + "connections, the most crewstream.sse.max-connections-per-address allows (at most one "
                        + "such line per address every {} s)", refused.refusedSinceLastLine(),
                        address.getHostAddress(), this.connections.limit(), this.logInterval.toSeconds());
            }
            channel.close();
            return false;
        }
        channel.closeFuture().addListener(closed -> this.connections.release(address));
        return true;
    }
}

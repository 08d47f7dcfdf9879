package io.crewstream.ssegateway.stream;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.crewstream.schemas.sse.SessionRemovedPayload;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.testsupport.time.MovableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream ends when the access it was opened with does: {@code auth-expired} as its last event, then the connection
 * closes; not one frame after that moment, whether a flush or a tick comes first. On Netty's {@link EmbeddedChannel}
 * and a clock the test moves.
 */
class ClientStreamExpiryTest {

    private static final long HEARTBEAT = 15_000;

    private static final long SLOW_AFTER = 30_000;

    private static final String AUTH_EXPIRED = "event: " + SseEventType.AUTH_EXPIRED.eventName() + "\n";

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final StreamMetrics metrics = new StreamMetrics(this.meters, () -> 0);

    private final MovableClock clock = new MovableClock(Instant.parse("2026-12-03T10:00:00Z"));

    private final long accessEndsAt = this.clock.millis() + 60_000;

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    /** Writes a channel has been given but never completed (a client that reads nothing). */
    private final List<Object> stalled = new ArrayList<>();

    @AfterEach
    void releaseWhatTheChannelsHold() {
        this.channels.forEach(EmbeddedChannel::finishAndReleaseAll);
        this.stalled.forEach(ReferenceCountUtil::release);
    }

    private ClientStream stream(EmbeddedChannel channel, long accessEndsAt) {
        this.channels.add(channel);
        return new ClientStream(channel, ClientFilter.ALL, Optional.empty(), this.metrics, 8, this.clock,
                client -> {
                }, accessEndsAt);
    }

    private ClientStream live(EmbeddedChannel channel, long accessEndsAt) {
        ClientStream stream = stream(channel, accessEndsAt);
        stream.start(List.of());
        return stream;
    }

    private static SseFrame event(String session, String id) {
        return SseFrame.event(SseEventType.SESSION_CREATED, id, new SessionRemovedPayload(session, "home"),
                "s/home/" + session, null);
    }

    private static List<String> written(EmbeddedChannel channel) {
        return ClientStreamTest.written(channel);
    }

    private double authExpiredSent() {
        return this.meters.counter(StreamMetrics.EVENTS_SENT, "event", SseEventType.AUTH_EXPIRED.eventName()).count();
    }

    private void tick(ClientStream stream) {
        stream.tick(this.clock.millis(), HEARTBEAT, SLOW_AFTER);
    }

    @Test
    void untilItsAccessEndsAStreamWritesWhatItIsOfferedAndThenOnlyAuthExpiredAndCloses() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = live(channel, this.accessEndsAt);
        this.clock.at(this.accessEndsAt - 1);
        stream.offer(event("agent:before:main", "1"));
        stream.flush();
        assertThat(written(channel)).singleElement().asString().contains("agent:before:main");

        this.clock.at(this.accessEndsAt);
        stream.offer(event("agent:after:main", "2"));
        stream.flush();

        List<String> texts = written(channel);
        assertThat(texts).singleElement().asString().startsWith(AUTH_EXPIRED)
                .contains("\"expiredAt\":" + this.accessEndsAt).doesNotContain("id:");
        assertThat(channel.isOpen()).as("closed once auth-expired is written").isFalse();
        assertThat(authExpiredSent()).isEqualTo(1);
    }

    @Test
    void framesQueuedBeforeTheEndAreDroppedNotWrittenWhenTheFlushComesAfterIt() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = live(channel, this.accessEndsAt);
        stream.offer(event("agent:a:main", "1"));
        stream.offer(event("agent:b:main", "2"));

        this.clock.at(this.accessEndsAt + 5);
        stream.flush();

        assertThat(written(channel)).as("the client resumes from its last id, with new credentials")
                .singleElement().asString().startsWith(AUTH_EXPIRED);
    }

    @Test
    void notOneFrameAfterExpiryWhateverTheStreamIsToldLater() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = live(channel, this.accessEndsAt);
        this.clock.at(this.accessEndsAt);
        tick(stream);
        assertThat(written(channel)).singleElement().asString().startsWith(AUTH_EXPIRED);

        stream.offer(event("agent:late:main", "3"));
        stream.flush();
        stream.writable();
        stream.hold();
        stream.refreshWith(List.of(SseFrame.raw("refresh", "event: sessions-refresh\ndata: {}\n\n")));
        this.clock.advance(Duration.ofMillis(HEARTBEAT * 2));
        tick(stream);

        assertThat(written(channel)).isEmpty();
        assertThat(authExpiredSent()).as("auth-expired once").isEqualTo(1);
    }

    @Test
    void aSilentStreamIsEndedByTheTickAtItsEnd() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = live(channel, this.accessEndsAt);
        this.clock.at(this.accessEndsAt - 1);
        tick(stream);
        assertThat(written(channel)).isEmpty();
        assertThat(channel.isOpen()).isTrue();

        this.clock.at(this.accessEndsAt);
        tick(stream);

        assertThat(written(channel)).singleElement().asString().startsWith(AUTH_EXPIRED);
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void aStreamWhoseAccessEndsWhileItsContentIsOnTheWayNeverWritesTheContent() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = stream(channel, this.accessEndsAt);
        stream.offer(event("agent:held:main", "1"));
        this.clock.at(this.accessEndsAt);
        tick(stream);

        stream.start(List.of(SseFrame.raw("refresh", "event: sessions-refresh\ndata: {}\n\n")));
        stream.flush();

        assertThat(written(channel)).singleElement().asString().startsWith(AUTH_EXPIRED);
    }

    @Test
    void aStreamThatNeverExpiresKeepsWritingFarIntoTheFuture() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = live(channel, ClientStream.NEVER);
        this.clock.at(Instant.parse("2999-01-01T00:00:00Z").toEpochMilli());
        tick(stream);
        stream.offer(event("agent:far:main", "1"));
        stream.flush();
        this.clock.advance(Duration.ofMillis(HEARTBEAT));
        tick(stream);

        List<String> texts = written(channel);
        assertThat(texts).hasSize(2);
        assertThat(texts.get(0)).contains("agent:far:main");
        assertThat(texts.get(1)).isEqualTo(": heartbeat\n\n");
        assertThat(channel.isOpen()).isTrue();
        assertThat(authExpiredSent()).isZero();
    }

    @Test
    void anExpiredStreamWhoseClientTakesNothingIsClosedAfterTheSlowClientTimeoutNotKeptForEver() {
        // The socket takes nothing: the write of auth-expired never completes, so its close-after-write never runs.
        EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
                ClientStreamExpiryTest.this.stalled.add(message);
            }
        });
        ClientStream stream = live(channel, this.accessEndsAt);
        this.clock.at(this.accessEndsAt);
        tick(stream);
        assertThat(this.stalled).singleElement().satisfies(message -> assertThat(((ByteBuf) message)
                .toString(StandardCharsets.UTF_8)).startsWith(AUTH_EXPIRED));

        this.clock.advance(Duration.ofMillis(SLOW_AFTER));
        tick(stream);
        assertThat(channel.isOpen()).as("still within the slow-client timeout").isTrue();

        this.clock.advance(Duration.ofMillis(1));
        tick(stream);
        assertThat(channel.isOpen()).isFalse();
        assertThat(stream.phase()).isEqualTo(ClientStream.Phase.CLOSED);
    }
}

package io.crewstream.ssegateway.stream;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

import io.crewstream.schemas.sse.SessionRemovedPayload;
import io.crewstream.schemas.sse.SseEventType;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** How one event loop's streams are reached: in order, once per turn, never after their connection is gone. */
class LoopStreamsTest {

    private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T10:00:00Z"), ZoneOffset.UTC);

    private final AtomicInteger flushes = new AtomicInteger();

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
        @Override
        public void flush(ChannelHandlerContext context) {
            LoopStreamsTest.this.flushes.incrementAndGet();
            context.flush();
        }
    });

    private final LoopStreams loop = new LoopStreams(this.channel.eventLoop(), new Keepalive(15_000, 30_000),
            this.clock);

    private final ClientStream stream = new ClientStream(this.channel, ClientFilter.ALL, Optional.empty(),
            new StreamMetrics(new SimpleMeterRegistry(), () -> 0), 256, this.clock, client -> {
            }, ClientStream.NEVER);

    @AfterEach
    void release() {
        this.channel.finishAndReleaseAll();
    }

    private static SseFrame event(String session, String id) {
        return SseFrame.event(SseEventType.SESSION_CREATED, id, new SessionRemovedPayload(session, "home"),
                "s/home/" + session, null);
    }

    private void offer(SseFrame frame) {
        this.loop.post(own -> {
            for (ClientStream client : own.streams()) {
                client.offer(frame);
                own.touch(client);
            }
        });
    }

    @Test
    void everythingPostedBeforeALoopTurnReachesAStreamInOrderWithOneFlush() {
        this.loop.post(own -> {
            own.add(this.stream);
            this.stream.start(List.of());
        });
        this.channel.runPendingTasks();
        int before = this.flushes.get();

        for (int i = 0; i < 50; i++) {
            offer(event("agent:s" + i + ":main", String.valueOf(i)));
        }
        this.channel.runPendingTasks();

        assertThat(this.flushes.get() - before).isEqualTo(1);
        assertThat(this.channel.outboundMessages()).hasSize(50);
        for (int i = 0; i < 50; i++) {
            ByteBuf written = this.channel.readOutbound();
            assertThat(written.toString(StandardCharsets.UTF_8)).startsWith("id: " + i + "\n");
            written.release();
        }
    }

    @Test
    void aStreamWhoseConnectionFailsOnFlushDoesNotHoldUpTheOthersOfTheTurn() {
        // A socket that resets when written to: the flush closes the channel, whose close listener removes the
        // stream from the loop's sets while the loop is flushing them.
        EmbeddedChannel failing = new EmbeddedChannel(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext context) {
                context.flush();
                context.close();
            }
        });
        ClientStream broken = new ClientStream(failing, ClientFilter.ALL, Optional.empty(),
                new StreamMetrics(new SimpleMeterRegistry(), () -> 0), 256, this.clock, client -> {
                }, ClientStream.NEVER);
        failing.closeFuture().addListener(closed -> this.loop.remove(broken));
        this.loop.post(own -> {
            for (ClientStream client : List.of(broken, this.stream)) {
                own.add(client);
                client.start(List.of());
            }
        });
        this.channel.runPendingTasks();

        offer(event("agent:a:main", "1"));
        this.channel.runPendingTasks();

        assertThat(failing.isOpen()).isFalse();
        assertThat(this.loop.streams()).containsExactly(this.stream);
        ByteBuf written = this.channel.readOutbound();
        assertThat(written.toString(StandardCharsets.UTF_8)).startsWith("id: 1\n");
        written.release();
        failing.finishAndReleaseAll();
    }

    @Test
    void aStreamWhoseConnectionIsAlreadyGoneIsNotAdded() {
        this.channel.close();
        boolean[] added = new boolean[1];
        this.loop.post(own -> added[0] = own.add(this.stream));
        this.channel.runPendingTasks();
        assertThat(added[0]).isFalse();
        assertThat(this.loop.streams()).isEmpty();
    }
}

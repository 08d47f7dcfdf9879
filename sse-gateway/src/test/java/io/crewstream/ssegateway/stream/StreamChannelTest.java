package io.crewstream.ssegateway.stream;

import java.time.Duration;

import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.ssegateway.support.GatewayApp;
import io.crewstream.ssegateway.support.SseTestClient;
import io.crewstream.ssegateway.support.TableTopics;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokerExtension;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.http.client.ReactorResourceFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The transport a real stream runs on, read from its own channel in a running gateway (not from the configuration
 * that should produce it: a setting the server overrides would pass that check and fail this one).
 */
@ExtendWith(KafkaBrokerExtension.class)
class StreamChannelTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void aStreamsChannelHasNagleOffTheWaterMarksNativeEpollAndTheGatewaysOwnEventLoop(KafkaBroker broker) {
        try (TableTopics tables = TableTopics.create(broker, "sse-channel");
                GatewayApp gateway = startWithOneConnection(broker, tables);
                SseTestClient client = gateway.events()) {
            await().atMost(WAIT).until(() -> !client.events().isEmpty());
            Channel channel = gateway.bean(ClientRegistry.class).channels().get(0);

            // Small events must leave at once, not wait to be batched with the next.
            assertThat(channel.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
            // What makes a stream that stops reading "unwritable", so that its events wait, conflated, in its queue.
            WriteBufferWaterMark marks = channel.config().getOption(ChannelOption.WRITE_BUFFER_WATER_MARK);
            assertThat(marks.high()).isEqualTo(64 * 1024);
            assertThat(marks.low()).isEqualTo(32 * 1024);
            if (Epoll.isAvailable()) {
                // Linux x86-64, every CI machine: the native transport, not NIO.
                assertThat(channel).isInstanceOf(EpollSocketChannel.class);
            }
            // The gateway's own loops: Reactor Netty's global ones are disposed of by whichever application in the
            // JVM stops first.
            assertThat(gateway.bean(ReactorResourceFactory.class).isUseGlobalResources()).isFalse();
            String loopThread = channel.eventLoop().submit(() -> Thread.currentThread().getName()).syncUninterruptibly()
                    .getNow();
            assertThat(loopThread).startsWith("sse-http-");
        }
    }

    private static GatewayApp startWithOneConnection(KafkaBroker broker, TableTopics tables) {
        tables.connection("home", UpstreamState.CONNECTED);
        return GatewayApp.start(broker.bootstrapServers(), tables.prefix());
    }
}

package io.crewstream.bench.spike;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.crewstream.bench.Options;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.ReferenceCountUtil;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.server.HttpServer;
import reactor.netty.resources.LoopResources;

/**
 * Issue #19's second spike: the same fan-out as {@link NettySseSpike} on Reactor Netty (what Spring WebFlux runs
 * on), written the way Reactor Netty is meant to be used: each stream is a {@code Flux<ByteBuf>} fed by a sink and
 * sent with {@code send(...)}, which writes what is available and flushes at the end of each drain; the HTTP codec
 * stays in the pipeline and frames each buffer as a chunk. Each event is still encoded once and every stream gets a
 * retained duplicate. What it lacks next to the Netty spike is per-stream conflation: the sink buffers without
 * bound. Measured to choose between the two for the port (the issue asks to choose by measurement).
 *
 * <p>Threading: the Kafka thread (main) emits into every stream's sink (a single producer per sink); Reactor Netty
 * drains each sink on its connection's event loop.
 */
public final class ReactorNettySseSpike {

    private final SpikeFeed feed = new SpikeFeed(false);

    private final Set<Client> clients = ConcurrentHashMap.newKeySet();

    public static void main(String[] args) {
        Options options = Options.parse(args, 0);
        new ReactorNettySseSpike().run(options.integer("port", 8093),
                options.text("bootstrap-servers", "localhost:9092"), options.text("topic", "session-state"),
                options.integer("threads", Runtime.getRuntime().availableProcessors()));
    }

    private void run(int port, String bootstrapServers, String topic, int threads) {
        HttpServer.create().host("127.0.0.1").port(port)
                .runOn(LoopResources.create("spike", 1, threads, true))
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .route(routes -> routes
                        .get("/api/events", (request, response) -> response
                                .header(HttpHeaderNames.CONTENT_TYPE, "text/event-stream;charset=UTF-8")
                                .header(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                                .send(stream()))
                        .get("/ready", (request, response) -> response
                                .status(this.feed.ready() ? HttpResponseStatus.OK
                                        : HttpResponseStatus.SERVICE_UNAVAILABLE)
                                .send()))
                .bindNow();
        System.out.println("[spike] Reactor Netty on " + port + ", " + threads + " event loops");
        this.feed.run(bootstrapServers, topic, this::deliver);
    }

    /**
     * One client's events: it joins when the response subscribes (so a client gone before that is never
     * registered), leaves when the stream ends, and whatever its sink still holds then is released.
     */
    private Flux<ByteBuf> stream() {
        return Flux.defer(() -> {
            Client client = new Client();
            ByteBuf refresh = this.feed.join(poll -> {
                client.startedAfter = poll;
                this.clients.add(client);
            });
            return Flux.concat(Mono.just(refresh), client.sink.asFlux())
                    .doFinally(signal -> {
                        this.clients.remove(client);
                        // Ended before the sink was subscribed (during the refresh): drain what it holds. A sink
                        // that was subscribed refuses this second subscriber, and its queue was discarded above.
                        client.sink.asFlux().subscribe(ReferenceCountUtil::safeRelease, refused -> { });
                    });
        }).doOnDiscard(ByteBuf.class, ReferenceCountUtil::safeRelease);
    }

    /** On the Kafka thread, after the feed has applied the poll. */
    private void deliver(long poll, List<String> keys, List<ByteBuf> frames) {
        for (Client client : this.clients) {
            if (client.startedAfter >= poll) {
                continue;
            }
            for (ByteBuf frame : frames) {
                ByteBuf own = frame.retainedDuplicate();
                if (client.sink.tryEmitNext(own).isFailure()) {
                    own.release();
                }
            }
        }
    }

    /** One stream: its sink, and the last poll its refresh contains. */
    private static final class Client {

        private final Sinks.Many<ByteBuf> sink = Sinks.many().unicast().onBackpressureBuffer();

        private volatile long startedAfter;
    }
}

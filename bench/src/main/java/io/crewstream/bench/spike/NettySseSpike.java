package io.crewstream.bench.spike;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.bench.Options;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AttributeKey;

/**
 * Issue #19's spike on Netty directly: the smallest event-loop SSE fan-out with the shape the gateway's port must
 * have, measured against nginx + Nchan before the gateway is ported. It is <em>not</em> the gateway: no auth,
 * filters, resume, heartbeats, slow-client timeout or refresh on overflow. What it has is what decides the figures:
 * <ul>
 * <li>Each event is encoded once, HTTP chunk framing included ({@link SpikeFeed}); every stream gets a retained
 * duplicate of that buffer (no copy, no re-encoding). The HTTP encoder leaves the pipeline after the response head.
 * </li>
 * <li>Each stream belongs to one event loop and its state is touched only there: the Kafka thread posts one task per
 * loop per poll, and the task writes the whole poll to each of its streams and flushes each once.</li>
 * <li>Backpressure from writability (water marks 32/64 KiB): an unwritable stream's events conflate per session
 * until it drains.</li>
 * <li>TCP_NODELAY, native epoll where it loads, event loops = cores.</li>
 * </ul>
 * Prints {@code READY} once it has read the table to its end; {@code GET /ready} answers 200 from then on.
 *
 * <p>Threading: the Kafka thread (main) posts to the event loops; everything about a stream happens on its loop.
 */
public final class NettySseSpike {

    private static final AttributeKey<Stream> STREAM = AttributeKey.valueOf("stream");

    private final SpikeFeed feed = new SpikeFeed(true);

    /** Per event loop, its streams; each set is touched only on its loop. */
    private final Map<EventLoop, Set<Stream>> streamsByLoop = new HashMap<>();

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args, 0);
        new NettySseSpike().run(options.integer("port", 8092), options.text("bootstrap-servers", "localhost:9092"),
                options.text("topic", "session-state"),
                options.integer("threads", Runtime.getRuntime().availableProcessors()));
    }

    private void run(int port, String bootstrapServers, String topic, int threads) throws Exception {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(threads, io);
        loops.forEach(executor -> this.streamsByLoop.put((EventLoop) executor, new LinkedHashSet<>()));
        Class<? extends ServerSocketChannel> channelType = epoll ? EpollServerSocketChannel.class
                : NioServerSocketChannel.class;
        new ServerBootstrap().group(boss, loops).channel(channelType)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast("decoder", new HttpRequestDecoder())
                                .addLast("encoder", new HttpResponseEncoder()).addLast(new Requests());
                    }
                })
                .bind("127.0.0.1", port).sync();
        System.out.println("[spike] Netty on " + port + ", " + threads + " event loops (" + (epoll ? "epoll" : "nio")
                + ")");
        this.feed.run(bootstrapServers, topic, this::post);
    }

    /** On the Kafka thread, under the feed's lock: one task per loop with the whole poll. */
    private void post(long poll, List<String> keys, List<ByteBuf> frames) {
        for (Map.Entry<EventLoop, Set<Stream>> loop : this.streamsByLoop.entrySet()) {
            List<ByteBuf> own = frames.stream().map(ByteBuf::retainedDuplicate).toList();
            loop.getKey().execute(() -> deliver(loop.getValue(), poll, keys, own));
        }
    }

    /** On the loop that owns {@code streams}: writes one poll to each of them, one flush per stream. */
    private static void deliver(Set<Stream> streams, long poll, List<String> keys, List<ByteBuf> frames) {
        try {
            for (Stream stream : streams) {
                if (stream.startedAfter >= poll) {
                    continue;
                }
                if (stream.channel.isWritable()) {
                    stream.drain();
                    for (ByteBuf frame : frames) {
                        stream.channel.write(frame.retainedDuplicate(), stream.channel.voidPromise());
                    }
                    stream.channel.flush();
                }
                else {
                    for (int i = 0; i < frames.size(); i++) {
                        ByteBuf older = stream.pending.put(keys.get(i), frames.get(i).retainedDuplicate());
                        if (older != null) {
                            older.release();
                        }
                    }
                }
            }
        }
        finally {
            frames.forEach(ByteBuf::release);
        }
    }

    /** One browser stream; touched only on its channel's event loop. */
    private static final class Stream {

        private final Channel channel;

        /** Events held while the socket is full, conflated per session key. */
        private final Map<String, ByteBuf> pending = new LinkedHashMap<>();

        /** The last poll its refresh contains; later polls are delivered. */
        private long startedAfter;

        Stream(Channel channel) {
            this.channel = channel;
        }

        /** Writes what was held back (no flush). */
        void drain() {
            for (ByteBuf frame : this.pending.values()) {
                this.channel.write(frame, this.channel.voidPromise());
            }
            this.pending.clear();
        }

        void release() {
            this.pending.values().forEach(ByteBuf::release);
            this.pending.clear();
        }
    }

    /** HTTP: {@code GET /api/events} starts a stream, {@code GET /ready} says whether the table is read. */
    private final class Requests extends SimpleChannelInboundHandler<HttpObject> {

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject message) {
            if (!(message instanceof HttpRequest request) || ctx.channel().hasAttr(STREAM)) {
                return;
            }
            String path = request.uri();
            if (path.equals("/api/events") || path.startsWith("/api/events?")) {
                startStream(ctx);
            }
            else if (path.equals("/ready")) {
                respond(ctx, NettySseSpike.this.feed.ready() ? HttpResponseStatus.OK
                        : HttpResponseStatus.SERVICE_UNAVAILABLE);
            }
            else {
                respond(ctx, HttpResponseStatus.NOT_FOUND);
            }
        }

        private void startStream(ChannelHandlerContext ctx) {
            DefaultHttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
            head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/event-stream;charset=UTF-8")
                    .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE)
                    .set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
            ctx.write(head, ctx.voidPromise());
            // From here on every write is an event already framed as a chunk: the encoder would frame it again.
            ctx.pipeline().remove("encoder");
            Stream stream = new Stream(ctx.channel());
            ctx.channel().attr(STREAM).set(stream);
            ByteBuf refresh = NettySseSpike.this.feed.join(poll -> {
                stream.startedAfter = poll;
                NettySseSpike.this.streamsByLoop.get(ctx.channel().eventLoop()).add(stream);
            });
            ctx.writeAndFlush(refresh, ctx.voidPromise());
        }

        private void respond(ChannelHandlerContext ctx, HttpResponseStatus status) {
            DefaultFullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.EMPTY_BUFFER);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            ctx.writeAndFlush(response);
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            Stream stream = ctx.channel().attr(STREAM).get();
            if (stream != null && ctx.channel().isWritable()) {
                stream.drain();
                ctx.flush();
            }
            ctx.fireChannelWritabilityChanged();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Stream stream = ctx.channel().attr(STREAM).get();
            if (stream != null) {
                NettySseSpike.this.streamsByLoop.get(ctx.channel().eventLoop()).remove(stream);
                stream.release();
            }
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

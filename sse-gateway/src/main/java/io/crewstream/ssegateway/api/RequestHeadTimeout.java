package io.crewstream.ssegateway.api;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.Counter;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.NettyPipeline;

/**
 * Closes a connection that has not delivered a complete request head (request line and headers) within a bound: from
 * the moment it opens, and on a kept-alive connection from the moment its last response was written. The clock is
 * <em>not</em> restarted by each byte that arrives, so a client trickling a header byte every few seconds (slowloris)
 * is cut off at the bound; Reactor Netty's idle timeout ({@code server.netty.idle-timeout}) is restarted by every
 * read, and its read and request timeouts only start once the head is in. Once a request is in, the clock stops
 * until its response has ended: an event stream, whose response never ends, is never touched. Each close is counted
 * ({@code reason=request-head-timeout}).
 *
 * <p>Threading: one instance per connection, on its event loop (Netty's contract for a handler that is not
 * {@code @Sharable}); the timer runs on the same loop.
 */
public final class RequestHeadTimeout extends ChannelDuplexHandler {

    private static final Logger log = LoggerFactory.getLogger(RequestHeadTimeout.class);

    private static final String NAME = "crewstream.requestHeadTimeout";

    private final long timeoutMillis;

    private final Counter closes;

    /** Pending while the connection waits for a request head; null otherwise. */
    private ScheduledFuture<?> timer;

    /** Requests received whose response has not been written to its end. */
    private int unanswered;

    private RequestHeadTimeout(long timeoutMillis, Counter closes) {
        this.timeoutMillis = timeoutMillis;
        this.closes = closes;
    }

    /**
     * Puts a new instance right after Reactor Netty's HTTP codec, where there is one (HTTP/1.1), so that it sees each
     * decoded request head and each response before it is encoded.
     */
    public static void install(ChannelPipeline pipeline, long timeoutMillis, Counter closes) {
        if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new RequestHeadTimeout(timeoutMillis, closes));
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext context) {
        // An accepted connection is active before its pipeline is set up: the clock starts now.
        if (context.channel().isActive()) {
            arm(context);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext context) {
        arm(context);
        context.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (message instanceof HttpRequest) {
            this.unanswered++;
            cancel();
        }
        context.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
        if (message instanceof LastHttpContent && this.unanswered > 0 && !informational(message)) {
            // From when the response has left, not when it was handed over: a large answer read slowly is no
            // reason to close.
            ChannelPromise written = promise.unvoid();
            written.addListener(future -> {
                this.unanswered--;
                if (this.unanswered == 0 && context.channel().isActive()) {
                    arm(context);
                }
            });
            context.write(message, written);
            return;
        }
        context.write(message, promise);
    }

    /** A {@code 100 Continue}: the request's own response is still to come. */
    private static boolean informational(Object message) {
        return message instanceof HttpResponse response
                && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        cancel();
        context.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        cancel();
    }

    private void arm(ChannelHandlerContext context) {
        if (this.timer != null || this.unanswered > 0) {
            return;
        }
        this.timer = context.executor().schedule(() -> expire(context), this.timeoutMillis, TimeUnit.MILLISECONDS);
    }

    private void expire(ChannelHandlerContext context) {
        this.timer = null;
        if (this.unanswered == 0 && context.channel().isActive()) {
            this.closes.increment();
            log.debug("Closing {}: no complete request head within {} ms", context.channel().remoteAddress(),
                    this.timeoutMillis);
            context.close();
        }
    }

    private void cancel() {
        if (this.timer != null) {
            this.timer.cancel(false);
            this.timer = null;
        }
    }
}

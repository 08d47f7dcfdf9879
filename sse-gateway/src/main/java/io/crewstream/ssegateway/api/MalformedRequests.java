package io.crewstream.ssegateway.api;

import java.net.URI;
import java.net.URISyntaxException;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import reactor.netty.NettyPipeline;

import org.springframework.http.HttpStatus;

/**
 * Answers, in the API's JSON error shape, what the HTTP decoder refuses before any application code runs (a request
 * line or header block over the limit, a character a request may not hold) and a request target that is no URI (a
 * {@code \} in the path, a {@code %} escape that is no escape in the query): left to Reactor Netty and WebFlux, those
 * get an empty 4xx body. The message is the status's reason phrase, or says the query could not be decoded; the
 * request is never quoted. Each refusal is counted ({@code reason=malformed}); the connection is closed after it.
 *
 * <p>Threading: one instance per connection, on its event loop (Netty's contract for a handler that is not
 * {@code @Sharable}).
 */
public final class MalformedRequests extends ChannelInboundHandlerAdapter {

    private static final String NAME = "crewstream.malformedRequests";

    private final Counter refusals;

    /** True once a request was refused: the rest of what the client sends on this connection is dropped. */
    private boolean refused;

    /**
     * True once a request went on to the application: a response of its may still be going out (an event stream
     * always is), and an answer written here would cut into it. A malformed request after it only closes.
     */
    private boolean passedOn;

    private MalformedRequests(Counter refusals) {
        this.refusals = refusals;
    }

    /** Puts a new instance right after Reactor Netty's HTTP codec, where there is one (HTTP/1.1). */
    public static void install(ChannelPipeline pipeline, Counter refusals) {
        if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(NAME) == null) {
            pipeline.addAfter(NettyPipeline.HttpCodec, NAME, new MalformedRequests(refusals));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (this.refused) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpRequest request) {
            Refusal refusal = refusal(request);
            if (refusal != null) {
                this.refused = true;
                this.refusals.increment();
                ReferenceCountUtil.release(message);
                if (this.passedOn) {
                    context.close();
                }
                else {
                    refuse(context, refusal);
                }
                return;
            }
            this.passedOn = true;
        }
        context.fireChannelRead(message);
    }

    /** How to refuse the request, or null for a request to pass on. */
    static Refusal refusal(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpLineException) {
                return Refusal.of(HttpStatus.URI_TOO_LONG);
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return Refusal.of(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
            }
            return Refusal.of(HttpStatus.BAD_REQUEST);
        }
        String target = request.uri();
        if (parses(target)) {
            return null;
        }
        int query = target.indexOf('?');
        if (query >= 0 && parses(target.substring(0, query))) {
            return new Refusal(HttpStatus.BAD_REQUEST, ApiErrors.UNDECODABLE_QUERY);
        }
        return Refusal.of(HttpStatus.BAD_REQUEST);
    }

    private static boolean parses(String target) {
        try {
            new URI(target);
            return true;
        }
        catch (URISyntaxException ex) {
            return false;
        }
    }

    /** A status and the message that goes with it. */
    record Refusal(HttpStatus status, String message) {

        static Refusal of(HttpStatus status) {
            return new Refusal(status, status.getReasonPhrase());
        }
    }

    private static void refuse(ChannelHandlerContext context, Refusal refusal) {
        HttpStatus status = refusal.status();
        byte[] body = ApiErrors.body(status, refusal.message());
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(status.value()), Unpooled.wrappedBuffer(body));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
    }
}

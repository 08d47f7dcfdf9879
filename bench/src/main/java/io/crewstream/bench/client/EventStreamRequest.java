package io.crewstream.bench.client;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Where an event stream is and the HTTP/1.1 GET that asks for it. Resolved and encoded once for all the streams
 * opened to one URI; each connection writes its own view of the shared bytes.
 *
 * <p>Immutable: the request bytes are never written after construction.
 */
final class EventStreamRequest {

    private final InetSocketAddress address;

    private final byte[] bytes;

    private EventStreamRequest(InetSocketAddress address, byte[] bytes) {
        this.address = address;
        this.bytes = bytes;
    }

    static EventStreamRequest of(URI uri) {
        if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("only http://host[:port]/path URIs are supported: " + uri);
        }
        String host = uri.getHost();
        int port = (uri.getPort() >= 0) ? uri.getPort() : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty()) ? "/" : uri.getRawPath();
        String target = (uri.getRawQuery() != null) ? path + "?" + uri.getRawQuery() : path;
        String hostHeader = (uri.getPort() >= 0) ? host + ":" + port : host;
        String request = "GET " + target + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nAccept: text/event-stream\r\n\r\n";
        // URI keeps the brackets of an IPv6 literal; the socket address wants the bare address.
        String socketHost = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        return new EventStreamRequest(new InetSocketAddress(socketHost, port),
                request.getBytes(StandardCharsets.US_ASCII));
    }

    InetSocketAddress address() {
        return this.address;
    }

    /** A fresh read-only buffer over the request, positioned at its start. */
    ByteBuffer bytes() {
        return ByteBuffer.wrap(this.bytes).asReadOnlyBuffer();
    }
}

package io.crewstream.bench.client;

import java.nio.charset.StandardCharsets;

/** HTTP/1.1 responses written by hand, as a gateway would frame them. */
final class CannedResponses {

    static final String CHUNKED_HEAD = "HTTP/1.1 200 \r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\nDate: Tue, 24 Nov 2026 03:00:00 GMT\r\n\r\n";

    private CannedResponses() {
    }

    /** The head of a chunked 200 response followed by one chunk per piece of SSE text, without the last chunk. */
    static String chunkedOpen(String... pieces) {
        StringBuilder response = new StringBuilder(CHUNKED_HEAD);
        for (String piece : pieces) {
            response.append(chunk(piece));
        }
        return response.toString();
    }

    static String chunk(String piece) {
        int length = piece.getBytes(StandardCharsets.UTF_8).length;
        return Integer.toHexString(length) + "\r\n" + piece + "\r\n";
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}

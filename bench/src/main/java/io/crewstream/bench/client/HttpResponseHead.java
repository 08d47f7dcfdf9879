package io.crewstream.bench.client;

import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The status line and the framing headers of an HTTP/1.1 response, which is all a load client needs from them.
 * Strings are fine here: a head is parsed once per stream, not once per event.
 *
 * @param status the status code
 * @param chunked whether the body comes in chunked transfer coding
 * @param contentLength the body's length, or -1 when the connection's end delimits it
 */
record HttpResponseHead(int status, boolean chunked, long contentLength) {

    /** Parses a head: the bytes up to and including the empty line that ends it. */
    static HttpResponseHead parse(byte[] bytes, int length) throws ProtocolException {
        String[] lines = new String(bytes, 0, length, StandardCharsets.ISO_8859_1).split("\r?\n");
        String[] statusLine = lines[0].split(" ", 3);
        if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
            throw new ProtocolException("not an HTTP status line: " + lines[0]);
        }
        int status = (int) number(statusLine[1], lines[0]);
        String transferEncoding = null;
        long contentLength = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("transfer-encoding")) {
                transferEncoding = value.toLowerCase(Locale.ROOT);
            }
            else if (name.equals("content-length")) {
                contentLength = number(value, lines[i]);
            }
        }
        if (transferEncoding != null) {
            // RFC 9112 §6.3: a transfer coding overrides any length; if chunked is not the last, EOF ends the body.
            return new HttpResponseHead(status, transferEncoding.endsWith("chunked"), -1);
        }
        return new HttpResponseHead(status, false, contentLength);
    }

    private static long number(String text, String line) throws ProtocolException {
        try {
            return Long.parseLong(text.trim());
        }
        catch (NumberFormatException ex) {
            throw new ProtocolException("not a number in: " + line);
        }
    }
}

package io.crewstream.ssegateway.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 requests written byte for byte on a plain socket: the request target goes out exactly as given, with no
 * normalization or re-encoding (as {@code curl --path-as-is} sends it), which is what a test of the server's own
 * path handling needs. The response is read until the server closes the connection or {@code readFor} has passed
 * since its header block arrived, whichever comes first, so that an event stream served by mistake is caught too.
 * Stateless.
 */
public final class RawHttp {

    /** How long a loaded machine may take to begin an answer. */
    private static final Duration FIRST_BYTE_PATIENCE = Duration.ofSeconds(10);

    private RawHttp() {
    }

    public record Response(int status, Map<String, String> headers, String body) {

        public String header(String name) {
            return this.headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString() {
            return this.status + " " + this.headers + " " + (this.body.length() > 300
                    ? this.body.substring(0, 300) + "..." : this.body);
        }
    }

    public static Response send(int port, String method, String target, Map<String, String> headers,
            Duration readFor) {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: localhost\r\nConnection: close\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        request.append("\r\n");
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("localhost", port), 5_000);
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            return parse(readUntilClosed(socket, readFor));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(method + " " + abbreviated(target) + " failed", ex);
        }
    }

    /**
     * Reads until the server closes, or {@code readFor} after the response's header block arrived (an event stream
     * never closes); a response that has not begun after {@link #FIRST_BYTE_PATIENCE} is no response.
     */
    private static byte[] readUntilClosed(Socket socket, Duration readFor) throws IOException {
        long deadline = System.nanoTime() + FIRST_BYTE_PATIENCE.toNanos();
        boolean headed = false;
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[16 * 1024];
        while (System.nanoTime() < deadline) {
            if (!headed && received.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
                headed = true;
                deadline = System.nanoTime() + readFor.toNanos();
            }
            socket.setSoTimeout((int) Math.max(1, Math.min(200, (deadline - System.nanoTime()) / 1_000_000)));
            try {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                received.write(buffer, 0, read);
            }
            catch (SocketTimeoutException ex) {
                // Nothing more yet: keep reading until the deadline, an event stream would go on.
            }
            catch (IOException ex) {
                // Reset by the server after its answer: what arrived is the answer.
                break;
            }
        }
        return received.toByteArray();
    }

    private static Response parse(byte[] raw) {
        String text = new String(raw, StandardCharsets.ISO_8859_1);
        int headerEnd = text.indexOf("\r\n\r\n");
        if (!text.startsWith("HTTP/1.") || headerEnd < 0) {
            throw new AssertionError("Not an HTTP response: " + abbreviated(text));
        }
        String[] lines = text.substring(0, headerEnd).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                    lines[i].substring(colon + 1).trim());
        }
        String body = new String(raw, headerEnd + 4, raw.length - headerEnd - 4, StandardCharsets.UTF_8);
        return new Response(status, headers, body);
    }

    private static String abbreviated(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }
}

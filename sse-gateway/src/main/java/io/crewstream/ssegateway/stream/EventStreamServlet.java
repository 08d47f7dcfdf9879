package io.crewstream.ssegateway.stream;

import java.io.IOException;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * {@code GET /api/events} (and {@code HEAD}, headers only). A plain async servlet rather than a Spring MVC handler because the stream is written with
 * non-blocking servlet I/O, which needs the raw output stream.
 */
public final class EventStreamServlet extends HttpServlet {

    public static final String PATH = "/api/events";

    private final transient EventStreams streams;

    public EventStreamServlet(EventStreams streams) {
        this.streams = streams;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        this.streams.open(request, response);
    }

    /** Headers only; never the servlet default, which would run doGet and open a stream nobody reads. */
    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        this.streams.head(request, response);
    }
}

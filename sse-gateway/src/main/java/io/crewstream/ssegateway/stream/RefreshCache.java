package io.crewstream.ssegateway.stream;

import java.util.List;


import io.crewstream.ssegateway.state.SessionTable;

/**
 * The whole state as a client gets it first ({@code sessions-refresh}, then each gateway's status, the agents and the
 * pipeline's status),
 * built once per table position, pipeline view and filter and shared: every client that connects, falls behind or calls {@code GET /api/sessions}
 * while the table stands still gets the same frames, rendered once. With 10,000 sessions a refresh is about 20 MB of
 * JSON; building and rendering it per client made a reconnect storm cost gigabytes and seconds.
 *
 * <p>Threading: {@link #of} must be called under the table's lock ({@link SessionTable#atomically}), which is what
 * makes the position and the content agree and what guards the cached entry. The returned {@link Rendered} is
 * immutable and may be used on any thread; its bytes are rendered on first use, outside the lock.
 */
public final class RefreshCache {

    private Rendered last;

    /** The initial state for {@code filter} at the table's current position. Call under the table's lock. */
    public Rendered of(SessionTable table, ClientFilter filter) {
        String position = table.position().token();
        long pipelineVersion = table.pipeline().version();
        Rendered cached = this.last;
        if (cached != null && cached.position.equals(position) && cached.pipelineVersion == pipelineVersion
                && cached.filter.equals(filter)) {
            return cached;
        }
        // One entry: nearly every client asks for everything, and a change makes any older entry useless anyway.
        Rendered rendered = new Rendered(position, pipelineVersion, filter,
                Frames.initialState(Frames.refresh(table, filter), Frames.agents(table, filter)));
        this.last = rendered;
        return rendered;
    }

    /** One position's initial state. Immutable; the frames render their bytes once, on first use. */
    public static final class Rendered {

        private final String position;

        private final long pipelineVersion;

        private final ClientFilter filter;

        private final List<SseFrame> frames;

        private Rendered(String position, long pipelineVersion, ClientFilter filter, List<SseFrame> frames) {
            this.position = position;
            this.pipelineVersion = pipelineVersion;
            this.filter = filter;
            this.frames = List.copyOf(frames);
        }

        List<SseFrame> frames() {
            return this.frames;
        }

        /** The refresh as JSON (the {@code sessions-refresh} data), as {@code GET /api/sessions} answers it. */
        public byte[] json() {
            return this.frames.get(0).payloadJson();
        }
    }
}

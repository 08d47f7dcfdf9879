package io.crewstream.ssegateway.stream;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.ssegateway.state.SessionTable;

/**
 * The whole state as a client gets it first ({@code sessions-refresh}, then each gateway's status, the agents and the
 * pipeline's status), built once per table position, pipeline view and filter and shared: every client that connects,
 * falls behind or calls {@code GET /api/sessions} while the table stands still gets the same frames, rendered once.
 * With 10,000 sessions a refresh is about 20 MB of JSON; building and rendering it per client made a reconnect storm
 * cost gigabytes and seconds.
 *
 * <p>The filter includes the caller's gateway scope, so callers of different scopes never share an entry. Up to
 * {@value #FILTERS_PER_POSITION} filters are kept for the current position (the least recently used one goes first):
 * with several teams' scopes reconnecting at once, a single entry would be replaced by nearly every client and each
 * would build its own refresh again. A change of position or pipeline view makes every entry useless and drops them
 * all, so at most {@value #FILTERS_PER_POSITION} filters' states of one position are held.
 *
 * <p>Threading: {@link #of} must be called under the table's lock ({@link SessionTable#atomically}), which is what
 * makes the position and the content agree and what guards the cached entries. The returned {@link Rendered} is
 * immutable and may be used on any thread; its bytes are rendered on first use, outside the lock.
 */
public final class RefreshCache {

    static final int FILTERS_PER_POSITION = 8;

    private final Map<ClientFilter, Rendered> current = new LinkedHashMap<>(16, 0.75f, true) {

        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<ClientFilter, Rendered> eldest) {
            return size() > FILTERS_PER_POSITION;
        }
    };

    private String position;

    private long pipelineVersion;

    /** The initial state for {@code filter} at the table's current position. Call under the table's lock. */
    public Rendered of(SessionTable table, ClientFilter filter) {
        String position = table.position().token();
        long pipelineVersion = table.pipeline().version();
        if (!position.equals(this.position) || pipelineVersion != this.pipelineVersion) {
            this.current.clear();
            this.position = position;
            this.pipelineVersion = pipelineVersion;
        }
        return this.current.computeIfAbsent(filter, key -> new Rendered(
                Frames.initialState(Frames.refresh(table, key), Frames.agents(table, key))));
    }

    /** One position's initial state. Immutable; the frames render their bytes once, on first use. */
    public static final class Rendered {

        private final List<SseFrame> frames;

        private Rendered(List<SseFrame> frames) {
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

package io.crewstream.ssegateway.stream;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.state.TableChange;
import io.crewstream.ssegateway.state.TableListener;

/**
 * The connected clients, and the fan-out of table changes to them.
 *
 * <p>Threading: {@link #register} must be called inside {@link SessionTable#atomically}, and the table calls
 * {@link #onLoaded} and {@link #onChange} under the same lock; that is what makes "initial content + registration"
 * one step. Removal may happen on any thread at any time (the set is concurrent).
 */
public final class ClientRegistry implements TableListener {

    private final Set<ClientStream> clients = ConcurrentHashMap.newKeySet();

    private final int clientQueueSize;

    private final RefreshCache refreshCache;

    public ClientRegistry(int clientQueueSize, RefreshCache refreshCache) {
        this.clientQueueSize = clientQueueSize;
        this.refreshCache = refreshCache;
    }

    /**
     * Adds a client and, once the table is loaded, queues its initial content. Call under the table's lock.
     * @return the initial frames queued, for the caller to render outside the lock; empty before the table is loaded
     */
    List<SseFrame> register(ClientStream client, SessionTable table) {
        this.clients.add(client);
        if (!table.loaded()) {
            return List.of();
        }
        List<SseFrame> initial = initialFrames(client, table);
        client.start(initial);
        return initial;
    }

    /**
     * Replaces what a client that fell too far behind has pending with the whole state. Call under the table's lock.
     * @return the frames queued, for the caller to render outside the lock
     */
    List<SseFrame> refresh(ClientStream client, SessionTable table) {
        List<SseFrame> frames = this.refreshCache.of(table, client.filter()).frames();
        client.refreshWith(frames);
        return frames;
    }

    void remove(ClientStream client) {
        this.clients.remove(client);
    }

    public int size() {
        return this.clients.size();
    }

    List<ClientStream> snapshot() {
        return new ArrayList<>(this.clients);
    }

    @Override
    public void onLoaded(SessionTable table) {
        for (ClientStream client : this.clients) {
            if (!client.started()) {
                client.start(initialFrames(client, table));
            }
        }
    }

    @Override
    public void onChange(TableChange change) {
        SseFrame frame = Frames.live(change);
        if (frame == null) {
            return;
        }
        for (ClientStream client : this.clients) {
            if (client.filter().accepts(change)) {
                client.offer(frame);
            }
        }
    }

    /**
     * The changes since the client's resume position when the table can name them exactly and they fit in half the
     * client's queue; otherwise (no token, a malformed or too old one, too much missed) the whole state. Half, because
     * the replay sits in the same queue as the live events that follow it: a replay filling the queue would get the
     * client refreshed by the first live event, before it could even read the replay.
     */
    private List<SseFrame> initialFrames(ClientStream client, SessionTable table) {
        if (client.resumeFrom().isEmpty()) {
            return this.refreshCache.of(table, client.filter()).frames();
        }
        Optional<List<TableChange>> missed = client.resumeFrom().flatMap(table::changesSince);
        if (missed.isPresent()) {
            List<SseFrame> frames = new ArrayList<>();
            Set<String> keys = new HashSet<>();
            for (TableChange change : missed.get()) {
                SseFrame frame = client.filter().accepts(change) ? Frames.replayed(change) : null;
                if (frame != null) {
                    frames.add(frame);
                    keys.add(frame.key());
                }
            }
            if (keys.size() <= this.clientQueueSize / 2) {
                client.resumed(StreamMetrics.ResumeOutcome.RESUMED);
                return frames;
            }
        }
        client.resumed(StreamMetrics.ResumeOutcome.REFRESHED);
        return this.refreshCache.of(table, client.filter()).frames();
    }
}

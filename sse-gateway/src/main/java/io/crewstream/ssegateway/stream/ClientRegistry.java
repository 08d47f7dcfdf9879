package io.crewstream.ssegateway.stream;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.ssegateway.state.PipelineView;
import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.state.TableChange;
import io.crewstream.ssegateway.state.TableListener;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;

/**
 * The connected clients, and the fan-out of table changes to them: each change is posted once to every event loop
 * that owns streams ({@link LoopStreams}), and each loop offers it to its own streams.
 *
 * <p>Threading: {@link #register} and {@link #refresh} must be called inside {@link SessionTable#atomically}, and the
 * table calls {@link #onLoaded} and {@link #onChange} under the same lock; since all four post to the streams' loops
 * under that lock, a stream's loop learns that content built at a position is coming before any change after that
 * position, which it holds until the content arrives ({@link #start}, {@link #refreshWith}, posted from any thread
 * once rendered). That is what makes "initial content + registration" one step. {@link #remove} runs on the
 * stream's loop (its channel's close listener); {@link #size} and {@link #closeAll} on any thread.
 */
public final class ClientRegistry implements TableListener {

    /** Every registered stream, whatever its loop: for the gauge, for shutdown. */
    private final Set<ClientStream> clients = ConcurrentHashMap.newKeySet();

    /** Registered before the table was loaded: they get their initial content from {@link #onLoaded}. */
    private final Set<ClientStream> waiting = ConcurrentHashMap.newKeySet();

    private final Map<EventLoop, LoopStreams> loops = new ConcurrentHashMap<>();

    private final int clientQueueSize;

    private final RefreshCache refreshCache;

    private final Keepalive keepalive;

    private final Clock clock;

    public ClientRegistry(int clientQueueSize, RefreshCache refreshCache, Keepalive keepalive,
            Clock clock) {
        this.clientQueueSize = clientQueueSize;
        this.refreshCache = refreshCache;
        this.keepalive = keepalive;
        this.clock = clock;
    }

    /**
     * Adds a client, which from now on holds the live changes it is offered until its initial content arrives
     * ({@link #start}). Call under the table's lock.
     * @return the initial content as of the table's current position, for the caller to render outside the lock and
     *     pass to {@link #start}; null before the table is loaded ({@link #onLoaded} then starts the client)
     */
    List<SseFrame> register(ClientStream client, SessionTable table) {
        this.clients.add(client);
        List<SseFrame> initial = null;
        if (table.loaded()) {
            initial = initialFrames(client, table);
        }
        else {
            this.waiting.add(client);
        }
        loopOf(client).post(loop -> {
            if (!loop.add(client)) {
                // The connection went away before its loop got here: its close listener found nothing to remove.
                forget(client);
            }
        });
        return initial;
    }

    /** Hands a registered client its initial content, rendered. Any thread. */
    void start(ClientStream client, List<SseFrame> initial) {
        loopOf(client).post(loop -> {
            client.start(initial);
            loop.touch(client);
        });
    }

    /**
     * Builds the whole state for a client that fell too far behind; the client holds the live changes it is offered
     * from now on until the state arrives ({@link #refreshWith}). Call under the table's lock.
     * @return the frames, for the caller to render outside the lock and pass to {@link #refreshWith}
     */
    List<SseFrame> refresh(ClientStream client, SessionTable table) {
        List<SseFrame> frames = this.refreshCache.of(table, client.filter()).frames();
        loopOf(client).post(loop -> client.hold());
        return frames;
    }

    /** Hands a client that fell behind the whole state, rendered. Any thread. */
    void refreshWith(ClientStream client, List<SseFrame> frames) {
        loopOf(client).post(loop -> {
            client.refreshWith(frames);
            loop.touch(client);
        });
    }

    /** Tells a client its content could not be built (it is closed). Any thread. */
    void contentFailed(ClientStream client) {
        loopOf(client).post(loop -> client.contentFailed());
    }

    /** The client's connection closed. On the client's loop. */
    void remove(ClientStream client) {
        LoopStreams loop = this.loops.get(client.loop());
        if (loop != null) {
            loop.remove(client);
        }
        client.closed();
        forget(client);
    }

    private void forget(ClientStream client) {
        this.clients.remove(client);
        this.waiting.remove(client);
    }

    public int size() {
        return this.clients.size();
    }

    /** The channels of the registered streams, as they are now. Any thread. */
    List<Channel> channels() {
        return this.clients.stream().map(ClientStream::channel).toList();
    }

    /** Closes every stream's connection (each is then removed by its close listener). Any thread. */
    void closeAll() {
        for (ClientStream client : new ArrayList<>(this.clients)) {
            client.channel().close();
        }
    }

    /** Stops the loops' sweeps. */
    void stop() {
        this.loops.values().forEach(LoopStreams::stop);
    }

    /**
     * Starts the clients that registered while the table loaded. Their content is rendered here, under the table's
     * lock: this happens once, when an instance has just started, and the loops must not render it.
     */
    @Override
    public void onLoaded(SessionTable table) {
        for (ClientStream client : new ArrayList<>(this.waiting)) {
            this.waiting.remove(client);
            List<SseFrame> initial = initialFrames(client, table);
            initial.forEach(SseFrame::render);
            start(client, initial);
        }
    }

    @Override
    public void onChange(TableChange change) {
        if (change.kind() == TableChange.Kind.AGENT_REMOVED) {
            agentRemoved(change);
            return;
        }
        SseFrame frame = Frames.live(change);
        if (frame == null) {
            return;
        }
        for (LoopStreams loop : this.loops.values()) {
            loop.post(own -> {
                for (ClientStream client : own.streams()) {
                    if (client.filter().accepts(change)) {
                        client.offer(frame);
                        own.touch(client);
                    }
                }
            });
        }
    }

    /**
     * An agent left: each client that saw it gets the agents left that it may see ({@code agents-refresh}), built
     * once per filter on whichever loop needs it first (the list is small: one row per agent).
     */
    private void agentRemoved(TableChange change) {
        Map<ClientFilter, SseFrame> byFilter = new ConcurrentHashMap<>();
        for (LoopStreams loop : this.loops.values()) {
            loop.post(own -> {
                for (ClientStream client : own.streams()) {
                    if (client.filter().accepts(change)) {
                        client.offer(byFilter.computeIfAbsent(client.filter(),
                                filter -> Frames.agentRemoved(change, filter)));
                        own.touch(client);
                    }
                }
            });
        }
    }

    /**
     * The pipeline went live or paused, or a gateway's status became overdue or arrived again: each client is told
     * what changed that it may see. Call under the table's lock (as {@code PipelineWatch} does), so that these frames
     * are ordered with the table's changes.
     */
    void pipelineChanged(PipelineView previous, PipelineView next, SessionTable table) {
        SseFrame pipeline = next.status().equals(previous.status()) ? null : Frames.pipeline(next.status());
        Map<String, SseFrame> gateways = new LinkedHashMap<>();
        for (ConnectionState connection : table.connections()) {
            String id = connection.connectionId();
            if (!Objects.equals(previous.pausedSince(id), next.pausedSince(id))) {
                SseFrame frame = Frames.gatewayPause(connection, next.pausedSince(id));
                frame.render();
                gateways.put(id, frame);
            }
        }
        if (pipeline == null && gateways.isEmpty()) {
            return;
        }
        if (pipeline != null) {
            pipeline.render();
        }
        for (LoopStreams loop : this.loops.values()) {
            loop.post(own -> {
                for (ClientStream client : own.streams()) {
                    if (pipeline != null) {
                        client.offer(pipeline);
                    }
                    gateways.forEach((id, frame) -> {
                        if (client.filter().acceptsGateway(id)) {
                            client.offer(frame);
                        }
                    });
                    own.touch(client);
                }
            });
        }
    }

    private LoopStreams loopOf(ClientStream client) {
        return this.loops.computeIfAbsent(client.loop(), eventLoop -> {
            LoopStreams loop = new LoopStreams(eventLoop, this.keepalive, this.clock);
            loop.start();
            return loop;
        });
    }

    /**
     * The changes since the client's resume position when the table can name them exactly and they fit in half the
     * client's queue, then the agents as they are now ({@code agents-refresh} at the table's position: the table keeps
     * no agent change for resume, the list replaces them); otherwise (no token, a malformed or too old one, one from before the
     * agent and activity tables, too much missed) the whole state. Half, because the replay sits in the same queue as
     * the live events that follow it: a replay filling the queue would get the client refreshed by the first live
     * event, before it could even read the replay.
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
                frames.add(Frames.agentsRefresh(Frames.agents(table, client.filter()), table.position().token(),
                        null));
                // What the replay cannot say: whether the view is live now (the client may have been told it was
                // paused before it lost its stream), and whether each gateway that can pause (its row promises
                // restatements) is paused now: a pause also ends with a restatement, which is not a change.
                PipelineView pipeline = table.pipeline();
                for (ConnectionState connection : table.connections()) {
                    if (connection.statusIntervalMs() != null
                            && client.filter().acceptsGateway(connection.connectionId())) {
                        frames.add(Frames.gatewayPause(connection, pipeline.pausedSince(connection.connectionId())));
                    }
                }
                frames.add(Frames.pipeline(pipeline.status()));
                return frames;
            }
        }
        client.resumed(StreamMetrics.ResumeOutcome.REFRESHED);
        return this.refreshCache.of(table, client.filter()).frames();
    }
}

package io.crewstream.ssegateway.stream;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.AgentInfo;
import io.crewstream.schemas.records.AgentSessionCounts;
import io.crewstream.schemas.records.AgentState;
import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.SessionRemovedPayload;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.ssegateway.state.Position;
import io.crewstream.ssegateway.state.TableChange;
import io.crewstream.ssegateway.state.TableTopic;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rules of one stream, on Netty's {@link EmbeddedChannel} (a real channel and pipeline, run on the test's
 * thread): what it takes in each phase, conflation while its channel is full, overflow, heartbeats, slow clients.
 */
class ClientStreamTest {

    private static final long HEARTBEAT = 15_000;

    private static final long SLOW_AFTER = 30_000;

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final StreamMetrics metrics = new StreamMetrics(this.meters, () -> 0);

    private final List<ClientStream> refreshRequests = new ArrayList<>();

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    private Instant now = Instant.parse("2026-12-02T10:00:00Z");

    @AfterEach
    void releaseWhatTheChannelsHold() {
        this.channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private ClientStream stream(EmbeddedChannel channel, int capacity) {
        this.channels.add(channel);
        return new ClientStream(channel, ClientFilter.ALL, Optional.empty(), this.metrics, capacity,
                Clock.fixed(this.now, ZoneOffset.UTC), this.refreshRequests::add, ClientStream.NEVER);
    }

    private ClientStream streamAt(EmbeddedChannel channel, Instant at) {
        this.channels.add(channel);
        return new ClientStream(channel, ClientFilter.ALL, Optional.empty(), this.metrics, 8,
                Clock.fixed(at, ZoneOffset.UTC), this.refreshRequests::add, ClientStream.NEVER);
    }

    private static SseFrame event(SseEventType type, String session, String id) {
        return SseFrame.event(type, id, new SessionRemovedPayload(session, "home"), "s/home/" + session, null);
    }

    /** What the channel has written, as text, released. */
    static List<String> written(EmbeddedChannel channel) {
        List<String> texts = new ArrayList<>();
        for (Object message = channel.readOutbound(); message != null; message = channel.readOutbound()) {
            ByteBuf buffer = (ByteBuf) message;
            texts.add(buffer.toString(StandardCharsets.UTF_8));
            buffer.release();
        }
        return texts;
    }

    private static void full(EmbeddedChannel channel, boolean full) {
        // What a socket that takes nothing does to the channel: writability off until it drains.
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, !full);
    }

    @Test
    void aJoiningStreamHoldsLiveFramesAndWritesThemAfterItsInitialContent() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = stream(channel, 8);
        // Built at a position before this change: the change must follow the content, not precede or vanish.
        stream.offer(event(SseEventType.SESSION_CREATED, "agent:meanwhile:main", "2"));
        stream.flush();
        assertThat(written(channel)).as("nothing before the initial content").isEmpty();

        stream.start(List.of(SseFrame.raw("refresh", "event: sessions-refresh\ndata: {}\n\n")));
        stream.offer(event(SseEventType.SESSION_CREATED, "agent:later:main", "3"));
        stream.flush();

        List<String> texts = written(channel);
        assertThat(texts).hasSize(3);
        assertThat(texts.get(0)).startsWith("event: sessions-refresh");
        assertThat(texts.get(1)).contains("agent:meanwhile:main");
        assertThat(texts.get(2)).contains("agent:later:main");
        assertThat(stream.phase()).isEqualTo(ClientStream.Phase.LIVE);
    }

    @Test
    void whileTheChannelIsFullEventsWaitConflatedPerSessionAndGoOutInOrderWhenItDrains() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = stream(channel, 8);
        stream.start(List.of());
        full(channel, true);
        stream.offer(event(SseEventType.SESSION_CREATED, "agent:a:main", "1"));
        stream.offer(event(SseEventType.SESSION_CREATED, "agent:b:main", "2"));
        stream.offer(event(SseEventType.SESSION_UPDATED, "agent:a:main", "3"));
        stream.flush();
        assertThat(written(channel)).as("nothing while full").isEmpty();

        full(channel, false);
        stream.writable();

        List<String> texts = written(channel);
        assertThat(texts).hasSize(2);
        assertThat(texts.get(0)).startsWith("id: 2\n").contains("agent:b:main");
        // Moved behind b (ids stay in order for a resume) and still new to the client: created, not updated.
        assertThat(texts.get(1)).startsWith("id: 3\nevent: session-created\n").contains("agent:a:main");
        assertThat(this.meters.counter(StreamMetrics.CONFLATIONS).count()).isEqualTo(1);
    }

    private static final Position AT = Position.of(new long[] { 0 }, new long[] { 0 }, new long[] { 0 },
            new long[] { 0 });

    /** The change the table makes for an activity row of a known session (see SessionTable). */
    private static TableChange activityChange(String sessionKey, ActivityState state, String tool, long offset) {
        SessionState session = SessionState.of("home", ChangeType.UPDATED, 1, 0, SessionRow.of(ContractJson.mapper()
                .createObjectNode().put("key", sessionKey).put("updatedAt", 1)));
        SessionActivity activity = new SessionActivity(SchemaVersion.CURRENT, "home", sessionKey, null, state, 1L,
                "run-1", tool, tool == null ? null : 1L, null, null, offset + 1, offset);
        return new TableChange(TableChange.Kind.SESSION_UPDATED, TableTopic.ACTIVITY, 0, offset, AT, "home",
                session.key(), session, session, activity, null, null, null, List.of(), offset);
    }

    private static TableChange agentChange(String agentId, ActivityState status, long offset) {
        AgentState agent = new AgentState(SchemaVersion.CURRENT, "home", agentId, new AgentInfo(agentId, null, null,
                null, null, null, null), true, false, "agent:" + agentId + ":main", status, AgentSessionCounts.NONE,
                null, null, offset + 1, offset);
        return new TableChange(TableChange.Kind.AGENT_UPDATED, TableTopic.AGENTS, 0, offset, AT, "home", null, null,
                null, null, null, agent, null, List.of(), offset);
    }

    @Test
    void aBurstOfToolStartsAndEndsReachesASlowClientAsTheLatestStatePerSessionAndPerAgent() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = stream(channel, 8);
        stream.start(List.of());
        full(channel, true);
        for (int i = 0; i < 50; i++) {
            stream.offer(Frames.live(activityChange("agent:a:main", ActivityState.RUNNING_TOOL, "exec-" + i, 2L * i)));
            stream.offer(Frames.live(activityChange("agent:a:main", ActivityState.THINKING, null, 2L * i + 1)));
            stream.offer(Frames.live(agentChange("a", i % 2 == 0 ? ActivityState.RUNNING_TOOL
                    : ActivityState.THINKING, i)));
        }
        stream.offer(Frames.live(activityChange("agent:b:main", ActivityState.RUNNING_TOOL, "browser", 100)));
        assertThat(this.refreshRequests).as("150 changes of one session and one agent fit a queue of 8").isEmpty();

        full(channel, false);
        stream.writable();

        List<String> texts = written(channel);
        assertThat(texts).hasSize(3);
        assertThat(texts.get(0)).contains("event: session-updated").contains("\"key\":\"agent:a:main\"")
                .contains("\"activityDetail\":\"Thinking\"").doesNotContain("exec-");
        assertThat(texts.get(1)).contains("event: agent-updated").contains("\"status\":\"thinking\"");
        assertThat(texts.get(2)).contains("\"activityToolName\":\"browser\"");
    }

    @Test
    void aStreamFurtherBehindThanItsQueueDropsItAndAsksOnceForTheWholeState() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = stream(channel, 3);
        stream.start(List.of());
        full(channel, true);
        for (int i = 0; i < 5; i++) {
            stream.offer(event(SseEventType.SESSION_CREATED, "agent:s" + i + ":main", String.valueOf(i)));
        }
        assertThat(this.refreshRequests).containsExactly(stream);
        assertThat(stream.phase()).isEqualTo(ClientStream.Phase.REFRESH_DUE);

        // The state is built at the table's position (hold), rendered, then handed over; a change between the two
        // is held and follows it.
        stream.hold();
        stream.offer(event(SseEventType.SESSION_CREATED, "agent:meanwhile:main", "8"));
        stream.refreshWith(List.of(SseFrame.raw("refresh", "event: sessions-refresh\ndata: {}\n\n")));
        stream.offer(event(SseEventType.SESSION_CREATED, "agent:after:main", "9"));
        full(channel, false);
        stream.writable();

        List<String> texts = written(channel);
        assertThat(texts).hasSize(3);
        assertThat(texts.get(0)).startsWith("event: sessions-refresh");
        assertThat(texts.get(1)).contains("agent:meanwhile:main");
        assertThat(texts.get(2)).contains("agent:after:main");
        assertThat(this.meters.counter(StreamMetrics.OVERFLOW_REFRESHES).count()).isEqualTo(1);
        assertThat(this.refreshRequests).hasSize(1);
    }

    @Test
    void aJoiningStreamThatHoldsMoreThanItsQueueAsksForTheWholeStateInstead() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = stream(channel, 2);
        for (int i = 0; i < 3; i++) {
            stream.offer(event(SseEventType.SESSION_CREATED, "agent:s" + i + ":main", String.valueOf(i)));
        }
        assertThat(this.refreshRequests).containsExactly(stream);

        // The initial content that was on the way is out of date: ignored, the refresh replaces it.
        stream.start(List.of(SseFrame.raw("refresh", "event: sessions-refresh\ndata: {\"old\":1}\n\n")));
        stream.flush();
        assertThat(written(channel)).isEmpty();
        stream.hold();
        stream.refreshWith(List.of(SseFrame.raw("refresh", "event: sessions-refresh\ndata: {}\n\n")));
        stream.flush();
        assertThat(written(channel)).containsExactly("event: sessions-refresh\ndata: {}\n\n");
    }

    @Test
    void aSilentStreamGetsAHeartbeatOnceTheIntervalHasPassed() {
        EmbeddedChannel channel = new EmbeddedChannel();
        ClientStream stream = stream(channel, 8);
        stream.start(List.of());
        long start = this.now.toEpochMilli();

        stream.tick(start, HEARTBEAT, SLOW_AFTER);
        stream.tick(start + HEARTBEAT - 1, HEARTBEAT, SLOW_AFTER);
        assertThat(written(channel)).isEmpty();
        stream.tick(start + HEARTBEAT, HEARTBEAT, SLOW_AFTER);
        assertThat(written(channel)).containsExactly(": heartbeat\n\n");
    }

    @Test
    void aStreamWhoseChannelStaysFullPastTheTimeoutIsClosedAndOneThatDrainsInTimeIsNot() {
        long start = this.now.toEpochMilli();
        EmbeddedChannel stuckChannel = new EmbeddedChannel();
        ClientStream stuck = stream(stuckChannel, 8);
        EmbeddedChannel slowChannel = new EmbeddedChannel();
        ClientStream slow = stream(slowChannel, 8);
        for (EmbeddedChannel channel : List.of(stuckChannel, slowChannel)) {
            full(channel, true);
        }
        stuck.tick(start, HEARTBEAT, SLOW_AFTER);
        slow.tick(start, HEARTBEAT, SLOW_AFTER);
        full(slowChannel, false);
        slow.tick(start + SLOW_AFTER, HEARTBEAT, SLOW_AFTER);
        full(slowChannel, true);

        stuck.tick(start + SLOW_AFTER, HEARTBEAT, SLOW_AFTER);
        assertThat(stuckChannel.isOpen()).as("at the timeout, not yet").isTrue();
        stuck.tick(start + SLOW_AFTER + 1, HEARTBEAT, SLOW_AFTER);
        slow.tick(start + SLOW_AFTER + 1, HEARTBEAT, SLOW_AFTER);

        assertThat(stuckChannel.isOpen()).isFalse();
        assertThat(stuck.phase()).isEqualTo(ClientStream.Phase.CLOSED);
        assertThat(slowChannel.isOpen()).as("its clock restarted when it drained").isTrue();
        assertThat(this.meters.counter(StreamMetrics.SLOW_DISCONNECTS).count()).isEqualTo(1);
    }

    @Test
    void everyStreamWritesADuplicateOfTheOneEncodedBufferNotACopy() {
        SseFrame frame = event(SseEventType.SESSION_CREATED, "agent:a:main", "1");
        List<ByteBuf> sent = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            EmbeddedChannel channel = new EmbeddedChannel();
            ClientStream stream = streamAt(channel, this.now);
            stream.start(List.of(frame));
            stream.flush();
            sent.add(channel.readOutbound());
        }
        assertThat(sent).extracting(ByteBuf::memoryAddress).containsOnly(sent.get(0).memoryAddress());
        sent.forEach(ByteBuf::release);
        // Every written duplicate released: only the frame's own reference is left (the GC frees the memory).
        assertThat(sent.get(0).refCnt()).isEqualTo(1);
    }
}

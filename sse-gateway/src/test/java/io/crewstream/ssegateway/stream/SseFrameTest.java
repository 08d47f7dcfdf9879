package io.crewstream.ssegateway.stream;

import java.nio.charset.StandardCharsets;

import io.crewstream.schemas.sse.SessionRemovedPayload;
import io.crewstream.schemas.sse.SseEventType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseFrameTest {

    private static SseFrame frame(SseEventType type, String id) {
        return SseFrame.event(type, id, new SessionRemovedPayload("agent:a:main", "home"), "s/home/agent:a:main", null);
    }

    @Test
    void createdThenUpdatedIsStillNewToTheClient() {
        SseFrame merged = SseFrame.conflate(frame(SseEventType.SESSION_CREATED, "1"),
                frame(SseEventType.SESSION_UPDATED, "2"));
        assertThat(merged.type()).isEqualTo(SseEventType.SESSION_CREATED);
        assertThat(new String(merged.bytes(), StandardCharsets.UTF_8)).startsWith("id: 2\n");
    }

    @Test
    void removedThenCreatedIsAnUpdateOfARowTheClientHas() {
        SseFrame merged = SseFrame.conflate(frame(SseEventType.SESSION_REMOVED, "1"),
                frame(SseEventType.SESSION_CREATED, "2"));
        assertThat(merged.type()).isEqualTo(SseEventType.SESSION_UPDATED);
    }

    @Test
    void createdThenRemovedThenCreatedAgainIsStillNew() {
        SseFrame merged = SseFrame.conflate(SseFrame.conflate(frame(SseEventType.SESSION_CREATED, "1"),
                frame(SseEventType.SESSION_REMOVED, "2")), frame(SseEventType.SESSION_CREATED, "3"));
        assertThat(merged.type()).isEqualTo(SseEventType.SESSION_CREATED);
    }

    @Test
    void anyChangeThenRemovedIsARemoval() {
        assertThat(SseFrame.conflate(frame(SseEventType.SESSION_UPDATED, "1"),
                frame(SseEventType.SESSION_REMOVED, "2")).type()).isEqualTo(SseEventType.SESSION_REMOVED);
    }

    @Test
    void eventIsRenderedWithIdNameAndOneDataLine() {
        String text = new String(frame(SseEventType.SESSION_REMOVED, "v1.0.0").bytes(), StandardCharsets.UTF_8);
        assertThat(text).isEqualTo("id: v1.0.0\nevent: " + SseEventType.SESSION_REMOVED.eventName()
                + "\ndata: {\"key\":\"agent:a:main\",\"connectionId\":\"home\"}\n\n");
    }

    @Test
    void dataBeyondAsciiIsRenderedByteForByteOnOneDataLine() {
        SseFrame frame = SseFrame.event(SseEventType.SESSION_REMOVED, "v1.0.1",
                new SessionRemovedPayload("agent:a:caf\u00e9 \u2014 \ud83d\ude80", "home"), "s/home/x", null);

        assertThat(new String(frame.bytes(), StandardCharsets.UTF_8)).isEqualTo("id: v1.0.1\nevent: "
                + SseEventType.SESSION_REMOVED.eventName() + "\ndata: {\"key\":\"agent:a:caf\u00e9 \u2014 \ud83d\ude80\","
                + "\"connectionId\":\"home\"}\n\n");
    }
}

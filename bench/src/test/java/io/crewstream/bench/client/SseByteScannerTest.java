package io.crewstream.bench.client;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseByteScannerTest {

    private final List<String> events = new ArrayList<>();

    private final SseByteScanner scanner = new SseByteScanner((event, stamp) -> this.events.add(event + "@" + stamp));

    @Test
    void reportsEachEventWithTheStampOfItsData() {
        feed("retry: 3000\n: connected\n\n"
                + "event: sessions-refresh\nid: v1.0\ndata: {\"sessions\":[]}\n\n"
                + "event: session-updated\nid: v1.1\ndata: {\"key\":\"a\",\"benchSentAtMicros\":1700000000123456}\n\n");

        assertThat(this.events).containsExactly("sessions-refresh@-1", "session-updated@1700000000123456");
    }

    @Test
    void eventsSplitAcrossBuffersAtAnyByteAreReadTheSame() {
        String stream = "event: session-created\r\ndata: {\"x\":\"\\\"benchSent\",\"benchSentAtMicros\": 42}\r\n\r\n"
                + ": heartbeat\n\nevent: session-updated\ndata: {\"benchSentAtMicros\":7,\"a\":1}\n\n";
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        for (int split = 1; split < bytes.length; split++) {
            this.events.clear();
            SseByteScanner split1 = new SseByteScanner((event, stamp) -> this.events.add(event + "@" + stamp));
            split1.feed(ByteBuffer.wrap(bytes, 0, split));
            split1.feed(ByteBuffer.wrap(bytes, split, bytes.length - split));

            assertThat(this.events).as("split at %d", split)
                    .containsExactly("session-created@42", "session-updated@7");
        }
    }

    @Test
    void commentsAloneAreNotEvents() {
        feed(": connected\n\n: heartbeat\n\n");

        assertThat(this.events).isEmpty();
    }

    @Test
    void theStampOfOneEventDoesNotLeakIntoTheNext() {
        feed("event: session-updated\ndata: {\"benchSentAtMicros\":5}\n\nevent: session-removed\ndata: {\"key\":\"a\"}\n\n");

        assertThat(this.events).containsExactly("session-updated@5", "session-removed@-1");
    }

    private void feed(String text) {
        this.scanner.feed(ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
    }
}

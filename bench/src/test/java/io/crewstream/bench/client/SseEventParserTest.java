package io.crewstream.bench.client;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SseEventParserTest {

    @Test
    void joinsDataLinesAndDispatchesOnTheBlankLine() {
        List<String> events = new ArrayList<>();
        List<String> comments = new ArrayList<>();
        SseEventParser parser = new SseEventParser(new SseListener() {
            @Override
            public void onEvent(String event, String data) {
                events.add(event + "=" + data);
            }

            @Override
            public void onComment(String comment) {
                comments.add(comment);
            }
        });

        for (String line : List.of("retry: 3000", ": connected", "", "event: session-updated", "id: v1.2",
                "data: {\"a\":", "data:1}", "", "data: plain", "")) {
            parser.line(line);
        }

        assertThat(events).containsExactly("session-updated={\"a\":\n1}", "message=plain");
        assertThat(comments).containsExactly("connected");
    }

    @Test
    void reportsTheIdOfTheEventThatCarriedOneAfterTheEvent() {
        List<String> calls = new ArrayList<>();
        SseEventParser parser = new SseEventParser(new SseListener() {
            @Override
            public void onEvent(String event, String data) {
                calls.add(event);
            }

            @Override
            public void onEventId(String id) {
                calls.add("id " + id);
            }
        });

        for (String line : List.of("event: session-created", "id: v1.7", "data: {}", "", "event: session-updated",
                "data: {}", "")) {
            parser.line(line);
        }

        assertThat(calls).containsExactly("session-created", "id v1.7", "session-updated");
    }

    @Test
    void theLastEventIdIsTheIdOfTheLastDispatchedEventNotOfOneCutOff() {
        SseEventParser parser = new SseEventParser(new SseListener() {
            @Override
            public void onEvent(String event, String data) {
            }
        }, "v0");

        assertThat(parser.lastEventId()).isEqualTo("v0");
        for (String line : List.of("event: session-updated", "id: v1", "data: {}", "", "data: no id of its own",
                "", "id: v3", "data: {")) {
            parser.line(line);
        }

        // The second event carries no id: the last one is kept. The third was cut off before its blank line.
        assertThat(parser.lastEventId()).isEqualTo("v1");
        parser.line("");
        assertThat(parser.lastEventId()).isEqualTo("v3");
    }
}

package io.crewstream.bench.client;

import java.io.EOFException;
import java.net.ProtocolException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

import static io.crewstream.bench.client.CannedResponses.bytes;
import static io.crewstream.bench.client.CannedResponses.chunk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatNoException;

class SseResponseDecoderTest {

    /**
     * A response as Tomcat frames an event stream, plus what the grammar allows and a gateway might one day send:
     * chunks that cut events (and a multi-byte character) anywhere, upper-case hex, a chunk extension and a trailer.
     */
    private static final byte[] CHUNKED_RESPONSE = bytes("HTTP/1.1 200 \r\ncontent-type: text/event-stream\r\n"
            + "transfer-encoding: chunked\r\n\r\n"
            + chunk("retry: 3000\n: connected\n\nevent: sessions-refresh\ndata: {\"sessions\":[]}\n")
            + chunk("\nevent: session-updated\ndata: {\"k\":\"é\",\"benchSent")
            + "1A;source=test\r\n" + "AtMicros\":1700000000123456" + "\r\n"
            + chunk("}\n\n: heartbeat\n\nevent: session-created\ndata: {\"benchSentAtMicros\": 42}\n\n")
            + "0\r\nX-Trailer: done\r\n\r\n");

    private static final List<String> EXPECTED_EVENTS = List.of("sessions-refresh@-1",
            "session-updated@1700000000123456", "session-created@42");

    private final List<String> events = new ArrayList<>();

    private final SseResponseDecoder decoder = new SseResponseDecoder(
            new SseByteScanner((event, stamp) -> this.events.add(event + "@" + stamp)));

    @Test
    void aChunkedResponseInOnePieceYieldsEveryEventWithItsStampAndEnds() throws Exception {
        this.decoder.feed(ByteBuffer.wrap(CHUNKED_RESPONSE));

        assertThat(this.events).containsExactlyElementsOf(EXPECTED_EVENTS);
        assertThat(this.decoder.finished()).isTrue();
    }

    @Test
    void aChunkedResponseSplitInTwoAtEveryBytePositionReadsTheSame() throws Exception {
        for (int split = 1; split < CHUNKED_RESPONSE.length; split++) {
            List<String> seen = new ArrayList<>();
            SseResponseDecoder fresh = new SseResponseDecoder(
                    new SseByteScanner((event, stamp) -> seen.add(event + "@" + stamp)));

            fresh.feed(ByteBuffer.wrap(CHUNKED_RESPONSE, 0, split));
            fresh.feed(ByteBuffer.wrap(CHUNKED_RESPONSE, split, CHUNKED_RESPONSE.length - split));

            assertThat(seen).as("split at %d", split).containsExactlyElementsOf(EXPECTED_EVENTS);
            assertThat(fresh.finished()).as("finished, split at %d", split).isTrue();
        }
    }

    @Test
    void aChunkedResponseFedOneByteAtATimeReadsTheSame() throws Exception {
        for (int i = 0; i < CHUNKED_RESPONSE.length; i++) {
            assertThat(this.decoder.finished()).as("finished before byte %d", i).isFalse();
            this.decoder.feed(ByteBuffer.wrap(CHUNKED_RESPONSE, i, 1));
        }

        assertThat(this.events).containsExactlyElementsOf(EXPECTED_EVENTS);
        assertThat(this.decoder.finished()).isTrue();
    }

    @Test
    void aChunkedResponseInRandomPiecesReadsTheSame() throws Exception {
        Random random = new Random(7);
        for (int round = 0; round < 500; round++) {
            List<String> seen = new ArrayList<>();
            SseResponseDecoder fresh = new SseResponseDecoder(
                    new SseByteScanner((event, stamp) -> seen.add(event + "@" + stamp)));
            int at = 0;
            while (at < CHUNKED_RESPONSE.length) {
                int length = Math.min(CHUNKED_RESPONSE.length - at, 1 + random.nextInt(40));
                fresh.feed(ByteBuffer.wrap(CHUNKED_RESPONSE, at, length));
                at += length;
            }

            assertThat(seen).as("round %d", round).containsExactlyElementsOf(EXPECTED_EVENTS);
            assertThat(fresh.finished()).as("finished, round %d", round).isTrue();
        }
    }

    @Test
    void bytesAfterTheLastChunkAreLeftUnread() throws Exception {
        ByteBuffer buffer = ByteBuffer.wrap(bytes(CannedResponses.CHUNKED_HEAD + "0\r\n\r\nHTTP/1.1"));

        this.decoder.feed(buffer);

        assertThat(this.decoder.finished()).isTrue();
        assertThat(buffer.remaining()).isEqualTo("HTTP/1.1".length());
    }

    @Test
    void aStatusOtherThan200IsRefused() {
        ByteBuffer response = ByteBuffer.wrap(bytes("HTTP/1.1 503 \r\nContent-Length: 0\r\n\r\n"));

        assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.decoder.feed(response))
                .withMessageContaining("503");
    }

    @Test
    void somethingOtherThanHttpIsRefused() {
        ByteBuffer response = ByteBuffer.wrap(bytes("SSH-2.0-OpenSSH_9.2\r\n\r\n"));

        assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.decoder.feed(response));
    }

    @Test
    void aMalformedChunkSizeIsRefused() {
        ByteBuffer response = ByteBuffer.wrap(bytes(CannedResponses.CHUNKED_HEAD + "zz\r\n"));

        assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.decoder.feed(response));
    }

    @Test
    void chunkDataNotFollowedByCrlfIsRefused() {
        ByteBuffer response = ByteBuffer.wrap(bytes(CannedResponses.CHUNKED_HEAD + "3\r\nabcd\r\n"));

        assertThatExceptionOfType(ProtocolException.class).isThrownBy(() -> this.decoder.feed(response));
    }

    @Test
    void aBodyWithoutChunkingIsScannedUntilTheConnectionEnds() throws Exception {
        String body = "event: sessions-refresh\ndata: {}\n\nevent: session-updated\ndata: {\"benchSentAtMicros\":9}\n\n";
        byte[] response = bytes("HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" + body);

        for (int i = 0; i < response.length; i++) {
            this.decoder.feed(ByteBuffer.wrap(response, i, 1));
        }

        assertThat(this.events).containsExactly("sessions-refresh@-1", "session-updated@9");
        assertThat(this.decoder.finished()).isFalse();
        assertThatNoException().isThrownBy(this.decoder::endOfInput);
    }

    @Test
    void aBodyWithAContentLengthEndsAfterThatManyBytes() throws Exception {
        String body = "event: session-updated\ndata: {\"benchSentAtMicros\":9}\n\n";
        ByteBuffer response = ByteBuffer.wrap(bytes("HTTP/1.1 200 OK\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body + "event: session-updated\ndata: {}\n\n"));

        this.decoder.feed(response);

        assertThat(this.events).containsExactly("session-updated@9");
        assertThat(this.decoder.finished()).isTrue();
    }

    @Test
    void aChunkedBodyCutShortIsAnErrorAtTheConnectionsEnd() throws Exception {
        this.decoder.feed(ByteBuffer.wrap(bytes(CannedResponses.chunkedOpen("event: x\n"))));

        assertThatExceptionOfType(EOFException.class).isThrownBy(this.decoder::endOfInput);
    }

    @Test
    void aConnectionEndingInsideTheHeadIsAnError() throws Exception {
        this.decoder.feed(ByteBuffer.wrap(bytes("HTTP/1.1 200 \r\nTransfer-Enc")));

        assertThatExceptionOfType(EOFException.class).isThrownBy(this.decoder::endOfInput);
    }
}

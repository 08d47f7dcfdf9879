package io.crewstream.ssegateway.state;

import java.time.Duration;
import java.util.List;

import io.crewstream.schemas.records.ConnectionState;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.sse.PipelineState;
import io.crewstream.schemas.sse.PipelineStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The rules that decide whether the view a client is shown is live; times are this process's clock millis. */
class FreshnessTest {

    private static final long PAUSE_AFTER = 3_000;

    private final Freshness freshness = new Freshness(Duration.ofMillis(PAUSE_AFTER));

    private final PipelineView start = PipelineView.initial(0);

    @Test
    void aReaderThatReadsAndHearsFromKafkaKeepsTheViewLiveAndUnchanged() {
        PipelineView next = this.freshness.next(this.start, 10_000, reading(9_900, 9_500), List.of());

        assertThat(next).isSameAs(this.start);
    }

    @Test
    void kafkaSilentForLongerThanPauseAfterPausesTheViewSinceItsLastAnswer() {
        ReaderProgress unanswered = new ReaderProgress(true, 12_000, 8_000, "could not get end offsets: timeout");

        PipelineView next = this.freshness.next(this.start, 11_001, unanswered, List.of());

        assertThat(next.status().state()).isEqualTo(PipelineState.PAUSED);
        assertThat(next.status().since()).isEqualTo(8_000);
        assertThat(next.status().reasonCode()).isEqualTo(PipelineStatus.KAFKA_UNREACHABLE);
        assertThat(next.status().reason()).contains("Kafka unreachable", "could not get end offsets: timeout");
        assertThat(next.version()).isGreaterThan(this.start.version());
    }

    @Test
    void kafkaSilentForExactlyPauseAfterIsNotYetAnOutage() {
        PipelineView next = this.freshness.next(this.start, 11_000, reading(11_000, 8_000), List.of());

        assertThat(next.status().paused()).isFalse();
    }

    @Test
    void aPausedViewKeepsItsSinceWhileItStaysPausedAndGoesLiveWithANewSinceWhenKafkaAnswers() {
        PipelineView paused = this.freshness.next(this.start, 12_000, reading(12_000, 8_000), List.of());
        PipelineView stillPaused = this.freshness.next(paused, 20_000, reading(20_000, 8_000), List.of());
        PipelineView live = this.freshness.next(stillPaused, 21_000, reading(21_000, 20_900), List.of());

        assertThat(stillPaused).as("nothing new to tell clients").isSameAs(paused);
        assertThat(live.status()).isEqualTo(PipelineStatus.live(21_000));
    }

    @Test
    void aCauseThatChangesWhilePausedKeepsTheTimeTheViewWasLastKnownGood() {
        PipelineView unreachable = this.freshness.next(this.start, 12_000, reading(12_000, 8_000), List.of());
        ReaderProgress stopped = new ReaderProgress(false, 12_000, 8_000, "timeout");

        PipelineView next = this.freshness.next(unreachable, 13_000, stopped, List.of());

        assertThat(next.status().reasonCode()).isEqualTo(PipelineStatus.TABLE_READER_STOPPED);
        assertThat(next.status().since()).isEqualTo(8_000);
    }

    @Test
    void aReaderThatStoppedPausesTheViewAtOnce() {
        PipelineView next = this.freshness.next(this.start, 10_000, new ReaderProgress(false, 9_999, 9_999, null),
                List.of());

        assertThat(next.status().reasonCode()).isEqualTo(PipelineStatus.TABLE_READER_STOPPED);
    }

    @Test
    void aReaderThatCompletesNoReadPausesTheViewAsStalledEvenIfItsLastContactIsRecent() {
        PipelineView next = this.freshness.next(this.start, 20_000, reading(10_000, 19_000), List.of());

        assertThat(next.status().reasonCode()).isEqualTo(PipelineStatus.TABLE_STALLED);
        assertThat(next.status().since()).isEqualTo(10_000);
    }

    @Test
    void aGatewayWhoseStatusIsLaterThanTwiceItsIntervalPlusPauseAfterIsPausedSinceItsLastWord() {
        ConnectionState row = row("gw-1", 5_000L, 1_000);
        List<SessionTable.ReceivedConnection> received = List.of(new SessionTable.ReceivedConnection(row, 2_000));

        PipelineView onTime = this.freshness.next(this.start, 2_000 + 13_000, reading(15_000, 15_000), received);
        PipelineView late = this.freshness.next(onTime, 2_000 + 13_001, reading(15_001, 15_001), received);

        assertThat(onTime.pausedGateways()).isEmpty();
        assertThat(late.pausedGateways()).containsEntry("gw-1", 1_000L).hasSize(1);
        assertThat(late.status().paused()).as("one gateway's silence is not the view's").isFalse();
    }

    @Test
    void aGatewayRowThatPromisesNoRestatementIsNeverPaused() {
        ConnectionState stopped = row("gw-1", null, 1_000);
        List<SessionTable.ReceivedConnection> received = List.of(new SessionTable.ReceivedConnection(stopped, 2_000));

        PipelineView next = this.freshness.next(this.start, 10_000_000, reading(10_000_000, 10_000_000), received);

        assertThat(next.pausedGateways()).isEmpty();
    }

    @Test
    void aGatewayWhoseRowArrivesAgainIsNoLongerPaused() {
        ConnectionState row = row("gw-1", 1_000L, 1_000);
        PipelineView paused = this.freshness.next(this.start, 10_000, reading(10_000, 10_000),
                List.of(new SessionTable.ReceivedConnection(row, 1_000)));
        PipelineView again = this.freshness.next(paused, 10_500, reading(10_500, 10_500),
                List.of(new SessionTable.ReceivedConnection(row("gw-1", 1_000L, 10_400), 10_400)));

        assertThat(paused.pausedGateways()).containsKey("gw-1");
        assertThat(again.pausedGateways()).isEmpty();
    }

    private static ReaderProgress reading(long lastReadAt, long lastContactAt) {
        return new ReaderProgress(true, lastReadAt, lastContactAt, null);
    }

    private static ConnectionState row(String id, Long statusIntervalMs, long observedAt) {
        return ConnectionState.of(id, UpstreamState.CONNECTED, null, null, 0, "2026.9.6", observedAt, 0L, 0, null,
                observedAt, statusIntervalMs);
    }
}

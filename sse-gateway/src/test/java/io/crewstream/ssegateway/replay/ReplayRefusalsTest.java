package io.crewstream.ssegateway.replay;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import io.crewstream.replay.ReplayException;
import io.crewstream.replay.ReplayException.Reason;
import org.junit.jupiter.api.Test;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** One answer per refusal, for every API that reads Kafka through the engine (replay page, usage page). */
class ReplayRefusalsTest {

    private final ReplayRefusals refusals = new ReplayRefusals();

    @Test
    void eachReasonHasItsStatusAndTheEnginesMessageInTheApisErrorShape() {
        Map<Reason, Integer> statuses = Map.of(Reason.BAD_TIME, 400, Reason.BAD_RANGE, 400,
                Reason.UNKNOWN_CONNECTION, 404, Reason.BEFORE_RETENTION, 410, Reason.KAFKA_UNAVAILABLE, 503);
        assertThat(statuses.keySet()).as("every reason is specified").containsExactlyInAnyOrder(Reason.values());
        statuses.forEach((reason, status) -> {
            ResponseEntity<byte[]> answer = this.refusals.refused(new ReplayException(reason, "why: " + reason));
            assertThat(answer.getStatusCode().value()).as(reason.name()).isEqualTo(status);
            assertThat(answer.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_JSON);
            assertThat(new String(answer.getBody(), StandardCharsets.UTF_8)).contains("\"status\":" + status)
                    .contains("why: " + reason);
        });
    }

    @Test
    void aFullGateIsA503ThatSaysToRetry() {
        ReplayGate gate = new ReplayGate(0, Duration.ZERO);
        ReplayGate.Busy busy = catchThrowableOfType(ReplayGate.Busy.class, () -> gate.run(() -> "never"));
        ResponseEntity<byte[]> answer = this.refusals.busy(busy);
        assertThat(answer.getStatusCode().value()).isEqualTo(503);
        assertThat(new String(answer.getBody(), StandardCharsets.UTF_8)).contains("\"status\":503").contains("retry");
    }
}

package io.crewstream.ssegateway.usage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

import io.crewstream.replay.Replay;
import io.crewstream.replay.ReplayException;
import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.ssegateway.api.ApiErrors;
import io.crewstream.ssegateway.api.InvalidRequestException;
import io.crewstream.ssegateway.replay.ReplayGate;
import io.crewstream.ssegateway.stream.ClientFilter;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/usage?hours=N[&connection=ID]}: every agent's usage per minute over the last {@code hours} (1 to
 * {@value #MAX_HOURS}, default {@value #DEFAULT_HOURS}), read on demand from the agent-usage topic the agent-usage app
 * writes (seek by time, nothing held in memory between requests), for the usage page. Behind the same
 * authentication as the rest of {@code /api/**}; shares the replay questions' limit on concurrent Kafka reads.
 */
@RestController
public class UsageController {

    private static final Logger LOG = LoggerFactory.getLogger(UsageController.class);

    static final int DEFAULT_HOURS = 3;

    static final int MAX_HOURS = 24;

    private final Replay replay;

    private final ReplayGate gate;

    private final Clock clock;

    public UsageController(Replay replay, ReplayGate gate, Clock clock) {
        this.replay = replay;
        this.gate = gate;
        this.clock = clock;
    }

    @GetMapping("/api/usage")
    public ResponseEntity<byte[]> usage(HttpServletRequest request) {
        int hours = hours(request.getParameter("hours"));
        String connection = connection(request);
        Instant to = this.clock.instant();
        Instant from = to.minus(Duration.ofHours(hours));
        UsageReport report = new UsageReport();
        this.gate.run(() -> {
            this.replay.export(Topic.AGENT_USAGE, from, null, record -> {
                if (record.value() != null) {
                    try {
                        report.add(ContractSerdes.of(AgentUsageMinute.class).deserialize(record.topic(),
                                record.value()));
                    }
                    catch (ContractViolationException ex) {
                        // Not the page's to show, but not silently gone either: counted in the answer, logged.
                        if (report.unreadable() == 0) {
                            LOG.warn("Usage record {}-{}@{} is not an AgentUsageMinute, left out: {}", record.topic(),
                                    record.partition(), record.offset(), ex.getMessage());
                        }
                        report.countUnreadable();
                    }
                }
                return true;
            });
            return null;
        });
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .body(ContractJson.mapper().writeValueAsBytes(report.toJson(from, to, connection)));
    }

    private static int hours(String text) {
        if (text == null) {
            return DEFAULT_HOURS;
        }
        try {
            int hours = Integer.parseInt(text.trim());
            if (hours >= 1 && hours <= MAX_HOURS) {
                return hours;
            }
        }
        catch (NumberFormatException ex) {
            // Answered below.
        }
        throw new InvalidRequestException("?hours= must be a whole number from 1 to " + MAX_HOURS);
    }

    private static String connection(HttpServletRequest request) {
        ClientFilter filter = ClientFilter.from(request.getParameterMap());
        if (filter.connections().size() > 1) {
            throw new InvalidRequestException("?connection= takes one gateway here");
        }
        return filter.connections().isEmpty() ? null : filter.connections().iterator().next();
    }

    @ExceptionHandler(ReplayException.class)
    public ResponseEntity<byte[]> refused(ReplayException ex) {
        HttpStatus status = ex.reason() == ReplayException.Reason.KAFKA_UNAVAILABLE ? HttpStatus.SERVICE_UNAVAILABLE
                : HttpStatus.BAD_REQUEST;
        return ApiErrors.entity(status, ex.getMessage());
    }

    @ExceptionHandler(ReplayGate.Busy.class)
    public ResponseEntity<byte[]> busy(ReplayGate.Busy ex) {
        return ApiErrors.entity(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
    }
}

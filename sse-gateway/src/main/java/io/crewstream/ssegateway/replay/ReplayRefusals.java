package io.crewstream.ssegateway.replay;

import io.crewstream.replay.ReplayException;
import io.crewstream.ssegateway.api.ApiErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * How every API that reads Kafka through the replay engine (the replay page's, the usage page's) answers the
 * engine's refusals and a full {@link ReplayGate}, in the API's JSON error shape: one mapping, so that the pages
 * cannot disagree about what a time lost to retention or an unreachable Kafka is.
 */
@RestControllerAdvice
public class ReplayRefusals {

    private static final Logger logger = LoggerFactory.getLogger(ReplayRefusals.class);

    @ExceptionHandler(ReplayException.class)
    public ResponseEntity<byte[]> refused(ReplayException ex) {
        HttpStatus status = switch (ex.reason()) {
            case BAD_TIME, BAD_RANGE -> HttpStatus.BAD_REQUEST;
            case UNKNOWN_CONNECTION -> HttpStatus.NOT_FOUND;
            case BEFORE_RETENTION -> HttpStatus.GONE;
            case KAFKA_UNAVAILABLE -> HttpStatus.SERVICE_UNAVAILABLE;
        };
        if (status == HttpStatus.SERVICE_UNAVAILABLE) {
            logger.warn("A question to Kafka could not be answered: {}", ex.getMessage());
        }
        return ApiErrors.entity(status, ex.getMessage());
    }

    @ExceptionHandler(ReplayGate.Busy.class)
    public ResponseEntity<byte[]> busy(ReplayGate.Busy ex) {
        return ApiErrors.entity(HttpStatus.SERVICE_UNAVAILABLE, ex.getMessage());
    }
}

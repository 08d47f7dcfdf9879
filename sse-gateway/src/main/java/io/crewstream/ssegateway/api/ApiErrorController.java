package io.crewstream.ssegateway.api;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;

import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/**
 * Every error the container forwards to {@code /error} (an unknown path, a {@code sendError}, an exception that got
 * past a handler) answered in the API's JSON error shape, whatever the client accepts: no white-label HTML page, no
 * stack trace. The message is the status's reason phrase, or the application's own message when it gave one; never
 * an exception's text, which can quote anything.
 */
@RestController
@RestControllerAdvice
public class ApiErrorController implements ErrorController {

    public static final String PATH = "/error";

    public static final String UNDECODABLE_QUERY = "The query string could not be decoded";

    @RequestMapping(PATH)
    public ResponseEntity<byte[]> error(HttpServletRequest request) {
        if (request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) == null) {
            // Asked for directly, not forwarded by the container: there is no such page.
            return ApiErrors.entity(HttpStatus.NOT_FOUND, HttpStatus.NOT_FOUND.getReasonPhrase());
        }
        HttpStatus status = statusOf(request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE));
        Object message = request.getAttribute(RequestDispatcher.ERROR_MESSAGE);
        boolean ownMessage = message instanceof String text && !text.isBlank()
                && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) == null;
        return ApiErrors.entity(status, ownMessage ? (String) message : status.getReasonPhrase());
    }

    @ExceptionHandler(InvalidRequestException.class)
    public ResponseEntity<byte[]> invalidRequest(InvalidRequestException ex) {
        return ApiErrors.entity(HttpStatus.BAD_REQUEST, ex.getMessage());
    }

    private static HttpStatus statusOf(Object code) {
        if (code instanceof Integer value) {
            HttpStatus status = HttpStatus.resolve(value);
            if (status != null && status.isError()) {
                return status;
            }
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }
}

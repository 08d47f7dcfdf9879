package io.crewstream.ingestor.upstream;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocketHandshakeException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.concurrent.CompletionException;

import io.crewstream.schemas.records.ConnectionReasonCode;

/**
 * Why opening a socket to a gateway failed, in the words an operator needs ("connection refused by …", "cannot
 * resolve host …"), with a stable code for machines. Every such failure means nothing usable answers at the URL.
 */
record ConnectFailure(String reason, ConnectionReasonCode code) {

    static ConnectFailure classify(Throwable failure, String displayUrl, String host, Duration connectTimeout) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            // Looked for first: the JDK reports an unknown host as a ConnectException caused by it.
            if (cause instanceof UnresolvedAddressException || cause instanceof UnknownHostException) {
                return new ConnectFailure("cannot resolve host '" + host + "'", ConnectionReasonCode.UNKNOWN_HOST);
            }
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof WebSocketHandshakeException handshake) {
                return new ConnectFailure("no WebSocket at " + displayUrl + " (HTTP "
                        + handshake.getResponse().statusCode() + " instead of an upgrade)",
                        ConnectionReasonCode.UPGRADE_REJECTED);
            }
            if (cause instanceof HttpTimeoutException) {
                return new ConnectFailure("connecting to " + displayUrl + " timed out after "
                        + connectTimeout.toMillis() + " ms", ConnectionReasonCode.CONNECT_TIMEOUT);
            }
            if (cause instanceof ConnectException) {
                return new ConnectFailure("connection refused by " + displayUrl,
                        ConnectionReasonCode.CONNECTION_REFUSED);
            }
        }
        ConnectionReasonCode code = failure instanceof IOException || failure.getCause() instanceof IOException
                ? ConnectionReasonCode.IO_ERROR : ConnectionReasonCode.CONNECT_FAILED;
        return new ConnectFailure("cannot connect to " + displayUrl + ": " + describe(failure), code);
    }

    /** The innermost useful message of a failure, with its type: safe to log (no frame content). */
    static String describe(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && (cause.getMessage() == null || cause instanceof CompletionException)) {
            cause = cause.getCause();
        }
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}

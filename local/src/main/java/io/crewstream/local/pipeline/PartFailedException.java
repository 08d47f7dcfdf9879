package io.crewstream.local.pipeline;

import java.net.BindException;

/** One app of the pipeline could not start; the message names the app and the deepest cause. */
public final class PartFailedException extends RuntimeException {

    private final String part;

    PartFailedException(String part, String port, Throwable cause) {
        super(part + " failed to start: " + reason(port, cause), cause);
        this.part = part;
    }

    public String part() {
        return this.part;
    }

    private static String reason(String port, Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root instanceof BindException && port != null) {
            return "port " + port + " is already in use (the dashboard's port is set with --port)";
        }
        return root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
    }
}

package io.crewstream.local.cli;

/** The command line cannot be understood; the message says why, in one line. */
public final class UsageException extends RuntimeException {

    public UsageException(String message) {
        super(message);
    }
}

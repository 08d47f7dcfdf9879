package io.crewstream.local.tools;

/** A command cannot do what was asked; the message says why in one line, and the exit code is 2. */
final class ToolException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    ToolException(String message) {
        super(message);
    }
}

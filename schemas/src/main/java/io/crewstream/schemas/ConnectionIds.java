package io.crewstream.schemas;

import java.util.regex.Pattern;

/** The rule for upstream connection ids, shared by configuration validation and the records. */
public final class ConnectionIds {

    public static final String RULE = "must be 1-64 characters of a-z, 0-9, '-' or '_', starting with a letter or digit";

    private static final Pattern VALID = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    private ConnectionIds() {
    }

    public static boolean isValid(String connectionId) {
        return connectionId != null && VALID.matcher(connectionId).matches();
    }
}

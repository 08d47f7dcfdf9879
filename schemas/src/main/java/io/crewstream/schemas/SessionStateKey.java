package io.crewstream.schemas;

/**
 * The key of a session-state row: {@code <connectionId>/<sessionKey>}. Connection ids cannot contain '/'
 * ({@link ConnectionIds}), so the first '/' separates the two parts even though session keys may contain any
 * character.
 */
public record SessionStateKey(String connectionId, String sessionKey) {

    private static final String RECORD = "SessionStateKey";

    public SessionStateKey {
        Require.connectionId(connectionId, RECORD);
        Require.text(sessionKey, RECORD, "sessionKey");
    }

    /** @throws InvalidFieldException if the text is not {@code <connectionId>/<sessionKey>} */
    public static SessionStateKey parse(String text) {
        int slash = text == null ? -1 : text.indexOf('/');
        if (slash < 0) {
            throw new InvalidFieldException(RECORD, "key", "must look like <connectionId>/<sessionKey> but was '" + text + "'");
        }
        return new SessionStateKey(text.substring(0, slash), text.substring(slash + 1));
    }

    /** The Kafka key. */
    public String format() {
        return this.connectionId + "/" + this.sessionKey;
    }

    /** The prefix shared by every session key of one connection, for range scans in ordered stores. */
    public static String connectionPrefix(String connectionId) {
        return Require.connectionId(connectionId, RECORD) + "/";
    }

    @Override
    public String toString() {
        return format();
    }
}

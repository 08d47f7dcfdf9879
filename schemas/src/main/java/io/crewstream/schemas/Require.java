package io.crewstream.schemas;

/** Checks used by the contract records' constructors, so that a bad record fails where it is made. */
public final class Require {

    private Require() {
    }

    public static <T> T present(T value, String recordName, String fieldName) {
        if (value == null) {
            throw new MissingFieldException(recordName, fieldName);
        }
        return value;
    }

    public static String text(String value, String recordName, String fieldName) {
        if (value == null || value.isBlank()) {
            throw new MissingFieldException(recordName, fieldName);
        }
        return value;
    }

    public static long notNegative(Long value, String recordName, String fieldName) {
        long present = present(value, recordName, fieldName);
        if (present < 0) {
            throw new InvalidFieldException(recordName, fieldName, "must not be negative but was " + present);
        }
        return present;
    }

    /** Connection ids end up in Kafka keys and URLs; a closed alphabet keeps the session-state key unambiguous. */
    public static String connectionId(String value, String recordName) {
        String id = text(value, recordName, "connectionId");
        if (!ConnectionIds.isValid(id)) {
            throw new InvalidFieldException(recordName, "connectionId", ConnectionIds.RULE + " but was '" + id + "'");
        }
        return id;
    }
}

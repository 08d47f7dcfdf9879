package io.crewstream.schemas.records;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.crewstream.schemas.InvalidFieldException;

/** Whether a session-state row is the first for its key or a later one. Removals are tombstones, not rows. */
public enum ChangeType {

    CREATED("created"), UPDATED("updated");

    private final String wireName;

    ChangeType(String wireName) {
        this.wireName = wireName;
    }

    @JsonValue
    public String wireName() {
        return this.wireName;
    }

    @JsonCreator
    public static ChangeType fromWireName(String wireName) {
        for (ChangeType type : values()) {
            if (type.wireName.equals(wireName)) {
                return type;
            }
        }
        throw new InvalidFieldException("ChangeType", "changeType",
                "must be one of created, updated but was '" + wireName + "'");
    }
}

package io.crewstream.replay.table;

/** What a change did to a session's row; {@link #wireName()} is how JSON output spells it. */
public enum ChangeKind {
    CREATED("created"), UPDATED("updated"), REMOVED("removed");

    private final String wireName;

    ChangeKind(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return this.wireName;
    }
}

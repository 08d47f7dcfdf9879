package io.crewstream.ssegateway.state;

import java.time.Clock;
import java.util.List;

/**
 * A {@link SessionTable} loaded from plain records, for unit tests outside this package (the table's feeding methods
 * belong to its reader and stay package-private). Each table has one partition per topic.
 */
public final class TestTables {

    private TestTables() {
    }

    /** A loaded, empty table telling {@code listener} about its changes. */
    public static SessionTable loaded(TableListener listener) {
        SessionTable table = new SessionTable(listener, 100, Clock.systemUTC());
        Position beginning = Position.of(new long[] { 0 }, new long[] { 0 }, new long[] { 0 }, new long[] { 0 });
        table.start(beginning, beginning);
        table.markLoaded();
        return table;
    }

    public static void apply(SessionTable table, TableRecord record) {
        table.apply(List.of(record), null);
    }
}

package io.crewstream.replay.table;

import java.time.Instant;

import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;

/** One line of a session's history: a table change, an upstream frame that names the session, or a status change. */
public sealed interface HistoryEntry {

    /** When it was written to Kafka. */
    Instant at();

    /** Order at the same instant: a frame comes before the status change and the table change it may cause. */
    int rank();

    /** A change of the session's row. */
    record Change(TableChange change) implements HistoryEntry {

        @Override
        public Instant at() {
            return this.change.at();
        }

        @Override
        public int rank() {
            return 2;
        }
    }

    /** An upstream frame naming the session; {@code cause} when a change of the history names it as its source. */
    record Frame(Instant at, long offset, RawFrame frame, boolean cause) implements HistoryEntry {

        @Override
        public int rank() {
            return 0;
        }
    }

    /** The gateway's connection changed state. */
    record Status(Instant at, ConnectionStatusEvent status) implements HistoryEntry {

        @Override
        public int rank() {
            return 1;
        }
    }
}

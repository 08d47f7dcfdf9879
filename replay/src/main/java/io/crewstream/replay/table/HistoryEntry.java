package io.crewstream.replay.table;

import java.time.Instant;

import io.crewstream.schemas.records.ConnectionStatusEvent;
import io.crewstream.schemas.records.RawFrame;
import io.crewstream.schemas.records.RunEvent;

/**
 * One line of a session's history: a table change, an upstream frame that names the session, a step of one of its
 * agent runs, or a status change.
 */
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

    /** A step of one of the session's agent runs, as the ingestor read it from the gateway's events. */
    record Run(Instant at, long offset, RunEvent event) implements HistoryEntry {

        @Override
        public int rank() {
            return 1;
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

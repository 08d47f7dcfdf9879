package io.crewstream.ingestor.upstream;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.records.SessionEvent;
import io.crewstream.schemas.records.SessionRemoved;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionUpserted;
import io.crewstream.schemas.records.SnapshotReason;

/**
 * A full snapshot being listed page by page, possibly more than once.
 *
 * <p>Pages are fetched by offset from a list the gateway sorts newest first, so changes made while the pages are
 * fetched move rows between pages: an update moves a row to the first page (perhaps already fetched), an insert
 * shifts later rows forward (a row is seen twice), and a removal shifts later rows back (an unchanged row is never
 * seen). The first two are repaired by {@link #rowsWith merging} the changes that were held back meanwhile; the
 * third cannot be, so a listing of several pages during which a removal (or a change of unknown kind) arrived
 * {@link #mayHaveSkippedRows() may have skipped rows} and is listed {@link #relist() again}.
 *
 * <p>Not thread-safe: owned by one supervisor's thread.
 */
final class SnapshotLoad {

    private final SnapshotReason reason;
    private final long startedAt;
    private long listedFrom;
    private final Map<String, SessionRow> rows = new LinkedHashMap<>();
    private final List<SessionEvent> heldChanges = new ArrayList<>();
    private SnapshotReason next;
    private long offset;
    private int pages;
    private int listings = 1;
    private boolean rowsMayHaveShiftedBack;

    /** @param startedAt epoch ms at which the snapshot was asked for, on the session's clock */
    SnapshotLoad(SnapshotReason reason, long startedAt) {
        this.reason = reason;
        this.startedAt = startedAt;
        this.listedFrom = startedAt;
    }

    /** Epoch ms at which the current listing was asked for: the snapshot knows of nothing before it for sure. */
    long listedFrom() {
        return this.listedFrom;
    }

    SnapshotReason reason() {
        return this.reason;
    }

    long startedAt() {
        return this.startedAt;
    }

    /**
     * Another listing is wanted for {@code reason} once this one is published (this one may predate what prompted
     * it). The first reason asked for is kept, unless a later one needs a full snapshot and it does not.
     */
    void listAgainAfter(SnapshotReason reason) {
        if (this.next == null || (reason.publishesFullSnapshot() && !this.next.publishesFullSnapshot())) {
            this.next = reason;
        }
    }

    /** The reason of the listing to take after this one, null when none is wanted. */
    SnapshotReason next() {
        return this.next;
    }

    /**
     * A change that arrived while listing: merged into the result ({@link #rows()}); a removal may have made the
     * listing skip a row.
     */
    void hold(SessionEvent change) {
        this.heldChanges.add(change);
        if (change instanceof SessionRemoved) {
            rowsMayHaveShiftedBack();
        }
    }

    long offset() {
        return this.offset;
    }

    void offset(long offset) {
        this.offset = offset;
    }

    /** How many times the list has been fetched from the start for this snapshot, the current time included. */
    int listings() {
        return this.listings;
    }

    /** Rows move between pages while the gateway changes: a key seen twice is kept once. */
    void add(List<SessionRow> page) {
        this.pages++;
        for (SessionRow row : page) {
            this.rows.remove(row.key());
            this.rows.put(row.key(), row);
        }
    }

    /** A removal, or a change whose kind is unknown (keyless), arrived while this listing was under way. */
    void rowsMayHaveShiftedBack() {
        this.rowsMayHaveShiftedBack = true;
    }

    /** Whether a row may have been skipped: rows shifted back between two pages of the current listing. */
    boolean mayHaveSkippedRows() {
        return this.rowsMayHaveShiftedBack && this.pages > 1;
    }

    /**
     * Starts the listing over from the first page. The changes held so far, and whatever asked for another listing
     * meanwhile, are dropped: the new listing is taken after them and reflects them (applied on top of it they would
     * put older rows over newer). Only a wish for a full snapshot that this listing will not publish stays.
     */
    void relist(long listedFrom) {
        this.listedFrom = listedFrom;
        this.rows.clear();
        this.heldChanges.clear();
        if (this.next != null && !(this.next.publishesFullSnapshot() && !this.reason.publishesFullSnapshot())) {
            this.next = null;
        }
        this.offset = 0;
        this.pages = 0;
        this.rowsMayHaveShiftedBack = false;
        this.listings++;
    }

    /**
     * The listed rows with the changes held back while listing ({@link #hold}) applied in order: an upserted row
     * replaces (or adds) its key, a removed key goes. So the snapshot holds each key's latest known version and the held changes need
     * not be published after it (published, they would replay a key's older versions after its newest); left out of
     * the snapshot, a live session would be removed and recreated downstream.
     */
    List<SessionRow> rows() {
        return rowsWith(this.heldChanges);
    }

    List<SessionRow> rowsWith(List<SessionEvent> heldChanges) {
        Map<String, SessionRow> merged = new LinkedHashMap<>(this.rows);
        for (SessionEvent change : heldChanges) {
            if (change instanceof SessionUpserted upserted) {
                merged.put(upserted.sessionKey(), upserted.session());
            }
            else if (change instanceof SessionRemoved removed) {
                merged.remove(removed.sessionKey());
            }
        }
        return new ArrayList<>(merged.values());
    }
}

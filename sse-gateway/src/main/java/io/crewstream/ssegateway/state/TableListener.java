package io.crewstream.ssegateway.state;

/**
 * Told about every change of a {@link SessionTable}. Called on the table reader's thread while the table's lock is
 * held: an implementation must not block (hand work to other threads) and sees changes in table order.
 */
public interface TableListener {

    /** The table has read everything that was on the topics when it started; it is now complete. */
    void onLoaded(SessionTable table);

    /** One change, after it was applied. Not called before {@link #onLoaded}. */
    void onChange(TableChange change);
}

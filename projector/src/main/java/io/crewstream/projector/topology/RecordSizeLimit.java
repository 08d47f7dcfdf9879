package io.crewstream.projector.topology;

import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;

/**
 * The largest record (key and value) the projector writes: every output and changelog record is measured against it
 * before anything is stored ({@link SessionTable}, {@link ConnectionTable}). Outputs carry no headers of their own
 * (the processors build them without the input's), so key and value are what counts; the limit already leaves room
 * for a record's framing. Immutable.
 */
record RecordSizeLimit(int maxBytes) {

    /**
     * @param what names the record in the exception's message, which becomes the dead letter's reason; asked only
     *     when the record is too large (this runs for every row written, and most names take work to build)
     * @throws OversizedOutputException when key and value together are over the limit
     */
    void requireFits(String key, byte[] value, Supplier<String> what) {
        long size = key.getBytes(StandardCharsets.UTF_8).length + (long) (value == null ? 0 : value.length);
        if (size > this.maxBytes) {
            throw new OversizedOutputException(what.get() + " would be a record of " + size
                    + " bytes, over the projector's limit of " + this.maxBytes + "; not applied");
        }
    }
}

package io.crewstream.projector.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import io.crewstream.schemas.SessionStateKey;
import io.crewstream.schemas.records.DeadLetter;
import io.crewstream.schemas.records.SessionActivity;
import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The activity of one task's sessions, over the {@link ProjectorTopology#ACTIVITY_STORE} store (keyed like the
 * session table), and the index of the errors on show, {@link ProjectorTopology#ACTIVITY_ERRORS_STORE}, keyed by
 * when they expire so that the timer reads only the expired ones. Decides whether a session's row changed and its
 * revision, and refuses a row too large to write. Used from a stream thread only.
 */
final class ActivityTable {

    private static final StringSerializer KEY_SERIALIZER = new StringSerializer();

    private static final ContractSerde<ActivityProgress> PROGRESS = ContractSerdes.of(ActivityProgress.class);

    private final KeyValueStore<String, ActivityProgress> store;

    private final KeyValueStore<String, String> errors;

    private final RecordSizeLimit limit;

    /**
     * @param limit the largest record stored (the changelog record, which holds the published row and more)
     */
    ActivityTable(KeyValueStore<String, ActivityProgress> store, KeyValueStore<String, String> errors,
            RecordSizeLimit limit) {
        this.store = store;
        this.errors = errors;
        this.limit = limit;
    }

    /** @return what is known about the session, or null */
    ActivityProgress get(SessionStateKey key) {
        return this.store.get(key.format());
    }

    /**
     * Stores the session's next state.
     * @param previous what {@link #get} returned
     * @param agentId the session's agent, if the event named it
     * @return the row to publish, or empty when what is shown did not change
     * @throws OversizedOutputException when the record would be too large; nothing is stored then
     */
    Optional<SessionActivity> put(SessionStateKey key, ActivityProgress previous, SessionRuns next, String agentId,
            long updatedAt) {
        SessionActivity previousRow = previous == null ? null : previous.row();
        SessionActivity row = next.toRow(previousRow, key.connectionId(), key.sessionKey(), agentId, updatedAt);
        ActivityProgress progress = new ActivityProgress(next, row);
        String storeKey = key.format();
        this.limit.requireFits(storeKey, PROGRESS.serialize(null, progress),
                () -> "The activity of session '" + DeadLetter.keyFor(key.sessionKey()) + "' of connection "
                        + key.connectionId());
        Long shownUntil = previous == null ? null : previous.runs().errorExpiresAt();
        Long nextShownUntil = next.errorExpiresAt();
        if (shownUntil != null && !shownUntil.equals(nextShownUntil)) {
            this.errors.delete(errorKey(shownUntil, key));
        }
        if (nextShownUntil != null) {
            this.errors.put(errorKey(nextShownUntil, key), storeKey);
        }
        this.store.put(storeKey, progress);
        return row == previousRow ? Optional.empty() : Optional.of(row);
    }

    /** @return whether the session had a row (and so needs a tombstone) */
    boolean remove(SessionStateKey key) {
        ActivityProgress removed = this.store.delete(key.format());
        if (removed == null) {
            return false;
        }
        Long shownUntil = removed.runs().errorExpiresAt();
        if (shownUntil != null) {
            this.errors.delete(errorKey(shownUntil, key));
        }
        return true;
    }

    /** Every session of the connection that has activity. */
    List<KeyValue<SessionStateKey, ActivityProgress>> of(String connectionId) {
        List<KeyValue<SessionStateKey, ActivityProgress>> rows = new ArrayList<>();
        try (KeyValueIterator<String, ActivityProgress> all = this.store
                .prefixScan(SessionStateKey.connectionPrefix(connectionId), KEY_SERIALIZER)) {
            all.forEachRemaining(row -> rows.add(KeyValue.pair(SessionStateKey.parse(row.key), row.value)));
        }
        return rows;
    }

    /**
     * The errors due to expire at {@code now}, earliest first, at most {@code max} of them, as index key and
     * session: the index is ordered by expiry, so this reads what is due and one entry more, however many errors are
     * on show.
     */
    List<KeyValue<String, SessionStateKey>> errorsDue(long now, int max) {
        List<KeyValue<String, SessionStateKey>> due = new ArrayList<>();
        try (KeyValueIterator<String, String> index = this.errors.all()) {
            while (index.hasNext() && due.size() < max) {
                KeyValue<String, String> entry = index.next();
                if (Long.parseLong(entry.key.substring(0, EXPIRY_DIGITS)) > now) {
                    break;
                }
                due.add(KeyValue.pair(entry.key, SessionStateKey.parse(entry.value)));
            }
        }
        return due;
    }

    /** Drops an index entry that no longer matches its session's state. */
    void forgetError(String indexKey) {
        this.errors.delete(indexKey);
    }

    private static final int EXPIRY_DIGITS = 19;

    /** Zero-padded, so that the store's byte order is the order of expiry. */
    private static String errorKey(long expiresAt, SessionStateKey key) {
        return String.format("%0" + EXPIRY_DIGITS + "d", expiresAt) + "/" + key.format();
    }
}

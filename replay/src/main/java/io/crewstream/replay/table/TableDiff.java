package io.crewstream.replay.table;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.UpstreamState;

/**
 * What changed in the session table between two instants: the sessions created, removed, and for the updated ones
 * the fields that changed (old → new), plus every gateway whose connection state differs. Intermediate states are
 * not in it (a session created and removed in between is not); {@code history} tells those.
 */
public record TableDiff(Instant from, Instant to, List<SessionDiff> sessions, List<StateDiff> connections) {

    public TableDiff {
        sessions = List.copyOf(sessions);
        connections = List.copyOf(connections);
    }

    /** One session that differs; {@code fields} is empty unless it was updated. */
    public record SessionDiff(String connectionId, String sessionKey, ChangeKind kind, SessionRow before,
            SessionRow after, List<FieldChange> fields) {

        public SessionDiff {
            fields = List.copyOf(fields);
        }
    }

    /** A gateway whose connection state differs; either side null when there was no status yet. */
    public record StateDiff(String connectionId, UpstreamState before, UpstreamState after) {
    }

    public static TableDiff between(List<ConnectionTableAt> before, List<ConnectionTableAt> after) {
        Map<String, ConnectionTableAt> old = byConnection(before);
        Map<String, ConnectionTableAt> now = byConnection(after);
        TreeSet<String> ids = new TreeSet<>(old.keySet());
        ids.addAll(now.keySet());
        List<SessionDiff> sessions = new ArrayList<>();
        List<StateDiff> connections = new ArrayList<>();
        for (String id : ids) {
            SortedMap<String, SessionRow> a = old.containsKey(id) ? old.get(id).sessions() : new TreeMap<>();
            SortedMap<String, SessionRow> b = now.containsKey(id) ? now.get(id).sessions() : new TreeMap<>();
            TreeSet<String> keys = new TreeSet<>(a.keySet());
            keys.addAll(b.keySet());
            for (String key : keys) {
                SessionRow x = a.get(key);
                SessionRow y = b.get(key);
                if (x == null) {
                    sessions.add(new SessionDiff(id, key, ChangeKind.CREATED, null, y, List.of()));
                }
                else if (y == null) {
                    sessions.add(new SessionDiff(id, key, ChangeKind.REMOVED, x, null, List.of()));
                }
                else if (!x.sameContentAs(y)) {
                    sessions.add(new SessionDiff(id, key, ChangeKind.UPDATED, x, y, FieldChange.between(x, y)));
                }
            }
            UpstreamState s = state(old.get(id));
            UpstreamState t = state(now.get(id));
            if (!Objects.equals(s, t)) {
                connections.add(new StateDiff(id, s, t));
            }
        }
        Instant from = before.isEmpty() ? null : before.get(0).at();
        Instant to = after.isEmpty() ? null : after.get(0).at();
        return new TableDiff(from, to, sessions, connections);
    }

    private static Map<String, ConnectionTableAt> byConnection(List<ConnectionTableAt> tables) {
        Map<String, ConnectionTableAt> map = new TreeMap<>();
        tables.forEach(table -> map.put(table.connectionId(), table));
        return map;
    }

    private static UpstreamState state(ConnectionTableAt table) {
        return table == null || table.status() == null ? null : table.status().state();
    }
}

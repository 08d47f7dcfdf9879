package io.crewstream.bench.chaos;

import java.util.Map;

/**
 * How one client's view differs from the truth (the simulator's own session list), both as session key to the
 * revision the harness stamped on the row's last change. Keys are never reused by the harness, so a key absent from
 * the truth is one it deleted.
 *
 * @param lost in the truth, missing from the view
 * @param stale in both, with an older revision in the view than in the truth
 * @param resurrected in the view, absent from the truth (deleted there)
 */
public record ViewDiff(int lost, int stale, int resurrected) {

    public static final ViewDiff NONE = new ViewDiff(0, 0, 0);

    public static ViewDiff of(Map<String, Long> truth, Map<String, Long> view) {
        int lost = 0;
        int stale = 0;
        for (Map.Entry<String, Long> row : truth.entrySet()) {
            Long seen = view.get(row.getKey());
            if (seen == null) {
                lost++;
            }
            else if (!seen.equals(row.getValue())) {
                // Revisions only grow, so a different one is an older one (a newer one cannot exist yet).
                stale++;
            }
        }
        int resurrected = 0;
        for (String key : view.keySet()) {
            if (!truth.containsKey(key)) {
                resurrected++;
            }
        }
        return new ViewDiff(lost, stale, resurrected);
    }

    public boolean equal() {
        return this.lost == 0 && this.stale == 0 && this.resurrected == 0;
    }

    public ViewDiff plus(ViewDiff other) {
        return new ViewDiff(this.lost + other.lost, this.stale + other.stale, this.resurrected + other.resurrected);
    }
}

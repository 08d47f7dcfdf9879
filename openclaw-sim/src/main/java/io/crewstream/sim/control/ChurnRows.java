package io.crewstream.sim.control;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.protocol.Json;

/**
 * Fields a busy agent session accumulates (run status, token usage, model, preview of the last message, workspace),
 * so that churned rows weigh about 2 KB like real ones. Not thread-safe: use from one thread, with its own
 * {@link Random}.
 */
final class ChurnRows {

    private static final List<String> STATUSES = List.of("queued", "running", "running", "done", "done", "failed",
            "timeout");
    private static final List<String> WORDS = List.of("refactor", "the", "ingestor", "so", "that", "snapshot",
            "chunks", "are", "published", "before", "upserts", "and", "tests", "cover", "reconnect", "with", "a",
            "real", "broker", "then", "update", "docs", "review", "pull", "request", "fix", "flaky", "partition");
    private static final List<String> BRANCHES = List.of("main", "feature/churn", "fix/reconnect", "docs/readme");

    /** Sessions whose token counts are remembered; the oldest is forgotten beyond this (it restarts from zero). */
    private static final int REMEMBERED_SESSIONS = 10_000;

    private final Random random;

    /** Per session key: input and output tokens so far. Token counts only grow, as a real session's do. */
    private final Map<String, long[]> tokens = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > REMEMBERED_SESSIONS;
        }
    };

    /** Whether the run fields are left to the simulator's runs (see {@link #RUN_FIELDS}). */
    private final boolean runsOwnRunFields;

    ChurnRows(Random random) {
        this(random, false);
    }

    /**
     * @param runsOwnRunFields leave out {@link #RUN_FIELDS}: with simulated runs on, a random "running" or "done"
     *     would contradict the runs in progress (and a snapshot showing no active run closes a run as interrupted)
     */
    ChurnRows(Random random, boolean runsOwnRunFields) {
        this.random = random;
        this.runsOwnRunFields = runsOwnRunFields;
    }

    /** The fields of a session row that say how its runs are going. */
    static final java.util.Set<String> RUN_FIELDS = java.util.Set.of("status", "hasActiveRun", "activeRunIds",
            "lastRunId", "lastRunError", "runtimeMs");

    /** The fields of one change to a session: a run moving on, its token counts growing, a new last message. */
    ObjectNode nextChange(String key, String agentId, long now) {
        String status = STATUSES.get(random.nextInt(STATUSES.size()));
        boolean active = "running".equals(status) || "queued".equals(status);
        long[] used = this.tokens.computeIfAbsent(key, k -> new long[2]);
        used[0] += 1_000 + random.nextInt(20_000);
        used[1] += random.nextInt(4_000);
        long input = used[0];
        long output = used[1];
        String runId = UUID.randomUUID().toString();
        ObjectNode fields = Json.object()
                .put("status", status)
                .put("hasActiveRun", active)
                .put("lastRunId", runId)
                .put("lastActivityAt", now)
                .put("lastInteractionAt", now - random.nextInt(60_000))
                .put("inputTokens", input)
                .put("outputTokens", output)
                .put("totalTokens", input + output)
                .put("totalTokensFresh", true)
                .put("contextTokens", 200_000)
                .put("estimatedCostUsd", Math.round((input * 0.0000025 + output * 0.00001) * 10_000) / 10_000.0)
                .put("lastMessagePreview", sentence(40 + random.nextInt(30)))
                .put("derivedTitle", sentence(6))
                .put("thinkingLevel", random.nextBoolean() ? "medium" : "high")
                .put("channel", "webchat")
                .put("chatType", "direct")
                .put("workspaceDir", "/srv/workspaces/" + agentId)
                .put("projectId", "crewstream")
                .put("permissionMode", "default")
                .put("sandboxMode", "workspace-write")
                .put("runtimeMs", random.nextInt(600_000));
        if ("failed".equals(status)) {
            fields.put("lastRunError", "tool exec exited with code " + (1 + random.nextInt(127)));
        } else {
            fields.putNull("lastRunError");
        }
        var runIds = fields.putArray("activeRunIds");
        if (active) {
            runIds.add(runId);
        }
        fields.putObject("activitySummary").put("state", active ? "live" : "stale").put("canEnsure", true)
                .put("text", sentence(12));
        fields.putObject("worktree").put("id", "wt-" + key.hashCode())
                .put("branch", BRANCHES.get(random.nextInt(BRANCHES.size())))
                .put("repoRoot", "/srv/repos/crewstream");
        fields.putObject("deliveryContext").put("channel", "webchat").put("to", "operator")
                .put("accountId", "default");
        if (this.runsOwnRunFields) {
            fields.remove(RUN_FIELDS);
        }
        return fields;
    }

    private String sentence(int words) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < words; i++) {
            if (i > 0) {
                text.append(' ');
            }
            text.append(WORDS.get(random.nextInt(WORDS.size())));
        }
        return text.append('.').toString();
    }
}

package io.crewstream.sim.protocol;

import static io.crewstream.sim.protocol.ClosedSchema.anyValue;
import static io.crewstream.sim.protocol.ClosedSchema.bool;
import static io.crewstream.sim.protocol.ClosedSchema.boolOr;
import static io.crewstream.sim.protocol.ClosedSchema.integerAtLeast;
import static io.crewstream.sim.protocol.ClosedSchema.nonEmptyString;
import static io.crewstream.sim.protocol.ClosedSchema.object;
import static io.crewstream.sim.protocol.ClosedSchema.oneOf;
import static io.crewstream.sim.protocol.ClosedSchema.string;
import static io.crewstream.sim.protocol.ClosedSchema.stringArray;

import java.util.Set;

/** The closed params schemas of the methods the simulator serves (protocol v4, {@code openclaw@2026.9.6}). */
public final class ParamSchemas {

    public static final ClosedSchema CONNECT = ClosedSchema.builder()
            .required("minProtocol", integerAtLeast(1))
            .required("maxProtocol", integerAtLeast(1))
            .required("client", ClosedSchema.builder()
                    .required("id", oneOf(GatewayProtocol.CLIENT_IDS))
                    .required("version", nonEmptyString())
                    .required("platform", nonEmptyString())
                    .required("mode", oneOf(GatewayProtocol.CLIENT_MODES))
                    .optional(string(), "displayName", "buildId", "deviceFamily", "modelIdentifier", "timeZone",
                            "instanceId")
                    .build())
            .optional("role", string())
            .optional("scopes", stringArray())
            .optional("auth", ClosedSchema.builder()
                    .optional(string(), "token", "bootstrapToken", "deviceToken", "password", "approvalRuntimeToken",
                            "agentRuntimeIdentityToken")
                    .build())
            .optional("device", object())
            .optional("caps", stringArray())
            .optional(string(), "locale", "userAgent", "pathEnv")
            .optional(anyValue(), "commands", "computerUse", "workerRuns", "modelCatalog")
            .optional("permissions", object())
            .build();

    /** Shared by {@code sessions.list} and {@code sessions.subscribe}. */
    public static final ClosedSchema SESSIONS_LIST = ClosedSchema.builder()
            .optional("limit", integerAtLeast(1))
            .optional("offset", integerAtLeast(0))
            .optional("sortBy", oneOf(Set.of("updatedAt", "lastInteractionAt", "activity")))
            .optional("activeMinutes", integerAtLeast(1))
            .optional(bool(), "activeOnly", "requireLastInteraction", "includeGlobal", "includeUnknown",
                    "excludeSubagents", "excludeCron", "excludeSystem", "configuredAgentsOnly",
                    "includeDerivedTitles", "includeLastMessage", "includeActivitySummary", "pinned", "hasBoard",
                    "ownerFirst", "involvingMe", "includePeople")
            .optional("archived", boolOr("all"))
            .optional(string(), "agentId", "label", "search", "spawnedBy", "projectId", "workspaceDir", "group",
                    "boardFace", "creatorId", "ownerId", "profileRelation", "involvingProfileId")
            .build();

    /** The request frame itself: {@code type}, {@code id}, {@code method} required, nothing else but these. */
    public static final ClosedSchema REQUEST_FRAME = ClosedSchema.builder()
            .required("type", oneOf(Set.of("req")))
            .required("id", nonEmptyString())
            .required("method", nonEmptyString())
            .optional("params", anyValue())
            .optional(string(), "traceparent", "expectedProfileId")
            .build();

    public static final ClosedSchema EMPTY = ClosedSchema.builder().build();

    public static final ClosedSchema SESSIONS_CREATE = ClosedSchema.builder()
            .optional(string(), "key", "agentId", "label", "displayName", "model", "parentSessionKey", "message",
                    "category", "icon", "color", "projectId", "workspaceDir", "thinkingLevel", "idempotencyKey")
            .optional(bool(), "incognito", "pinned")
            .build();

    public static final ClosedSchema SESSIONS_PATCH = ClosedSchema.builder()
            .required("key", nonEmptyString())
            .optional(string(), "label", "displayName", "category", "icon", "color", "model", "thinkingLevel",
                    "expectedSessionId")
            .optional(bool(), "archived", "pinned", "unread")
            .build();

    public static final ClosedSchema SESSIONS_DELETE = ClosedSchema.builder()
            .required("key", nonEmptyString())
            .optional(string(), "agentId", "expectedSessionId")
            .optional(bool(), "deleteTranscript", "archivedOnly")
            .build();

    public static final ClosedSchema SESSIONS_MESSAGES_SUBSCRIBE = ClosedSchema.builder()
            .required("key", nonEmptyString())
            .optional("agentId", nonEmptyString())
            .optional("includeApprovals", bool())
            .build();

    private ParamSchemas() {
    }
}

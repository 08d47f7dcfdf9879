package io.crewstream.sim.conformance;

import static io.crewstream.sim.client.GatewayTestClient.backendConnect;
import static io.crewstream.sim.client.GatewayTestClient.connectParams;
import static io.crewstream.sim.client.GatewayTestClient.event;
import static io.crewstream.sim.client.GatewayTestClient.object;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.client.GatewayTestClient;

/**
 * What crewstream relies on from an OpenClaw gateway (protocol v4), written once and run against the simulator and
 * against a real {@code openclaw@2026.9.6} gateway. Only the gateway's own RPCs are used (the real gateway has no
 * control API), and every session a test creates carries a unique key prefix and is deleted afterwards, so the suite
 * can run against a shared gateway.
 */
abstract class GatewayConformanceSuite {

    private static final String READ = "operator.read";
    private static final String WRITE = "operator.write";
    private static final String ADMIN = "operator.admin";

    /** A real run without a provider took 10 s on this machine before it failed. */
    private static final java.time.Duration RUN_TIMEOUT = java.time.Duration.ofSeconds(90);

    private final List<GatewayTestClient> clients = new ArrayList<>();
    private final Set<String> createdKeys = new HashSet<>();
    private String agentId;
    private String keyPrefix;

    protected abstract URI gatewayUrl();

    protected abstract String gatewayToken();

    /**
     * Makes the gateway run an agent on {@code key} that fails: on a real gateway without a model provider that is
     * simply {@code chat.send} (the run ends in {@code lifecycle error}); the simulator fails a run through its API.
     */
    protected abstract void runThatFails(GatewayTestClient writer, String key);

    /** Adds an agent named {@code name} at runtime ({@code agents.create} on a real gateway); returns its id. */
    protected abstract String addAgent(GatewayTestClient admin, String name);

    /** Removes an agent added by {@link #addAgent} ({@code agents.delete} on a real gateway). */
    protected abstract void removeAgent(GatewayTestClient admin, String agentId);

    /** Aborts (skips) the test when the gateway under test is not available; runs before anything connects. */
    protected void assumeGatewayAvailable() {
    }

    @BeforeEach
    void readDefaultAgent() {
        assumeGatewayAvailable();
        GatewayTestClient admin = client(READ, WRITE, ADMIN);
        agentId = admin.call("agents.list", object()).path("defaultId").asString();
        keyPrefix = "agent:" + agentId + ":conformance-" + UUID.randomUUID().toString().substring(0, 8) + "-";
    }

    @AfterEach
    void deleteCreatedSessionsAndClose() {
        if (!createdKeys.isEmpty()) {
            GatewayTestClient admin = client(READ, WRITE, ADMIN);
            for (String key : createdKeys) {
                admin.request("sessions.delete", object().put("key", key));
            }
        }
        clients.forEach(GatewayTestClient::close);
    }

    @Test
    void challengeThenHelloOkGrantsTheRequestedScopesToLoopbackBackendClient() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));

        JsonNode challenge = client.challenge();
        assertThat(challenge.has("seq")).as("the challenge carries no seq").isFalse();
        assertThat(UUID.fromString(challenge.path("payload").path("nonce").asString())).isNotNull();
        assertThat(challenge.path("payload").path("ts").isIntegralNumber()).isTrue();
        assertThat(challenge.path("payload").path("capabilities").isArray()).isTrue();

        JsonNode response = client.request("connect", backendConnect(gatewayToken(), READ, WRITE));
        JsonNode hello = response.path("payload");
        assertThat(response.path("ok").asBoolean()).as(response.toString()).isTrue();
        assertThat(hello.path("type").asString()).isEqualTo("hello-ok");
        assertThat(hello.path("protocol").asInt()).isEqualTo(4);
        assertThat(hello.path("server").path("version").asString()).isNotBlank();
        assertThat(hello.path("server").path("connId").asString()).isNotBlank();
        assertThat(strings(hello.path("features").path("methods")))
                .contains("sessions.list", "sessions.subscribe", "sessions.create", "sessions.patch",
                        "sessions.delete", "agents.list", "health");
        assertThat(strings(hello.path("features").path("events"))).contains("tick", "sessions.changed", "shutdown");
        assertThat(hello.path("auth").path("scopes").toString()).isEqualTo("[\"" + READ + "\",\"" + WRITE + "\"]");
        assertThat(hello.path("auth").path("method").asString()).isEqualTo("token");
        assertThat(hello.path("auth").path("role").asString()).isEqualTo("operator");
        assertThat(hello.path("policy").path("tickIntervalMs").asLong()).isPositive();
        assertThat(hello.path("policy").path("maxPayload").asLong()).isPositive();
        assertThat(hello.path("policy").path("maxBufferedBytes").asLong()).isPositive();
        assertThat(hello.path("snapshot").path("sessionDefaults").path("defaultAgentId").asString())
                .isEqualTo(agentId);
    }

    @Test
    void firstRequestOtherThanConnectIsRejectedAndClosedWith1008() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();

        JsonNode response = client.request("health", object());

        assertError(response, "INVALID_REQUEST", "invalid handshake: first request must be connect");
        assertThat(client.awaitClose())
                .isEqualTo(new GatewayTestClient.Close(1008, "invalid handshake: first request must be connect"));
    }

    @Test
    void wrongTokenIsRejectedWithAuthTokenMismatchAndClosedWith1008() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();

        JsonNode response = client.request("connect", backendConnect("not-the-token", READ));

        assertError(response, "INVALID_REQUEST", "unauthorized: gateway token mismatch (provide gateway auth token)");
        assertThat(response.path("error").path("details").path("code").asString()).isEqualTo("AUTH_TOKEN_MISMATCH");
        assertThat(client.awaitClose().code()).isEqualTo(1008);
    }

    @Test
    void unknownConnectParamIsRejectedWithSchemaMessageAndClosedWith1008() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();
        ObjectNode params = backendConnect(gatewayToken(), READ);
        params.put("x", 1);

        JsonNode response = client.request("connect", params);

        String message = "invalid connect params: at root: unexpected property 'x'";
        assertError(response, "INVALID_REQUEST", message);
        assertThat(client.awaitClose()).isEqualTo(new GatewayTestClient.Close(1008, message));
    }

    @Test
    void clientModeOutsideTheClosedSetIsRejected() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();

        JsonNode response = client.request("connect", connectParams(gatewayToken(), "gateway-client", "operator", READ));

        assertError(response, "INVALID_REQUEST",
                "invalid connect params: at /client/mode: must be equal to one of the allowed values");
        assertThat(client.awaitClose().code()).isEqualTo(1008);
    }

    @Test
    void protocolRangeWithoutVersionFourIsRejectedAndClosedWith1002() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();
        ObjectNode params = backendConnect(gatewayToken(), READ).put("minProtocol", 5).put("maxProtocol", 6);

        JsonNode response = client.request("connect", params);

        assertError(response, "INVALID_REQUEST", "protocol mismatch");
        assertThat(response.path("error").path("details").path("code").asString()).isEqualTo("PROTOCOL_MISMATCH");
        assertThat(client.awaitClose()).isEqualTo(new GatewayTestClient.Close(1002, "protocol mismatch"));
    }

    @Test
    void otherClientIdWithoutDeviceGetsNoScopesAndIsForbiddenToList() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();

        JsonNode hello = client.call("connect", connectParams(gatewayToken(), "test", "test", READ, WRITE));
        JsonNode list = client.request("sessions.list", object());

        assertThat(hello.path("auth").path("scopes").isEmpty()).as(hello.path("auth").toString()).isTrue();
        assertError(list, "FORBIDDEN", "missing scope: operator.read");
        assertThat(list.path("error").path("details").path("code").asString()).isEqualTo("MISSING_SCOPE");
        assertThat(list.path("error").path("details").path("missingScope").asString()).isEqualTo(READ);
    }

    @Test
    void cliClientKeepsItsScopesOnLoopback() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();

        JsonNode hello = client.call("connect", connectParams(gatewayToken(), "cli", "cli", READ));

        assertThat(strings(hello.path("auth").path("scopes"))).containsExactly(READ);
    }

    @Test
    void createNeedsWriteScopeAndDeleteNeedsAdminScope() {
        GatewayTestClient reader = client(READ);
        GatewayTestClient writer = client(READ, WRITE);
        String key = newKey("scopes");

        JsonNode createByReader = reader.request("sessions.create", object().put("key", key));
        writer.call("sessions.create", object().put("key", key));
        JsonNode deleteByWriter = writer.request("sessions.delete", object().put("key", key));

        assertError(createByReader, "FORBIDDEN", "missing scope: operator.write");
        assertError(deleteByWriter, "FORBIDDEN", "missing scope: operator.admin");
        assertThat(deleteByWriter.path("error").path("details").path("code").asString()).isEqualTo("MISSING_SCOPE");
    }

    @Test
    void listPagesThroughMoreThanOneHundredSessionsWithDefaultPageOfOneHundred() {
        GatewayTestClient admin = client(READ, WRITE, ADMIN);
        Set<String> mine = new HashSet<>();
        for (int i = 0; i < 105; i++) {
            String key = newKey("page-" + i);
            admin.call("sessions.create", object().put("key", key).put("label", "page " + i));
            mine.add(key);
        }

        JsonNode first = admin.call("sessions.list", object());
        assertThat(first.path("limitApplied").asInt()).isEqualTo(100);
        assertThat(first.path("count").asInt()).isEqualTo(100);
        assertThat(first.path("sessions").size()).isEqualTo(100);
        assertThat(first.path("hasMore").asBoolean()).isTrue();
        assertThat(first.path("nextOffset").asInt()).isEqualTo(100);
        assertThat(first.has("offset")).as("offset only appears when > 0").isFalse();
        int total = first.path("totalCount").asInt();
        assertThat(total).isGreaterThanOrEqualTo(105);

        List<String> seen = new ArrayList<>(keys(first));
        JsonNode page = first;
        while (page.path("hasMore").asBoolean()) {
            int offset = page.path("nextOffset").asInt();
            page = admin.call("sessions.list", object().put("offset", offset));
            assertThat(page.path("offset").asInt()).isEqualTo(offset);
            seen.addAll(keys(page));
        }
        assertThat(page.path("nextOffset").isNull()).as("last page has nextOffset null").isTrue();
        assertThat(seen).hasSize(total).doesNotHaveDuplicates().containsAll(mine);
    }

    @Test
    void smallPagesReportOffsetNextOffsetAndHasMore() {
        GatewayTestClient admin = client(READ, WRITE, ADMIN);
        for (int i = 0; i < 3; i++) {
            admin.call("sessions.create", object().put("key", newKey("small-" + i)));
        }
        JsonNode first = admin.call("sessions.list", object().put("limit", 2));
        int total = first.path("totalCount").asInt();
        JsonNode last = admin.call("sessions.list", object().put("limit", 2).put("offset", total - 1));

        assertThat(first.path("count").asInt()).isEqualTo(2);
        assertThat(first.path("limitApplied").asInt()).isEqualTo(2);
        assertThat(first.path("nextOffset").asInt()).isEqualTo(2);
        assertThat(first.path("hasMore").asBoolean()).isTrue();
        assertThat(last.path("count").asInt()).isEqualTo(1);
        assertThat(last.path("offset").asInt()).isEqualTo(total - 1);
        assertThat(last.path("nextOffset").isNull()).isTrue();
        assertThat(last.path("hasMore").asBoolean()).isFalse();
    }

    @Test
    void listRejectsUnknownAndOutOfRangeParams() {
        GatewayTestClient reader = client(READ);

        assertError(reader.request("sessions.list", object().put("x", 1)), "INVALID_REQUEST",
                "invalid sessions.list params: at root: unexpected property 'x'");
        assertError(reader.request("sessions.list", object().put("limit", 0)), "INVALID_REQUEST",
                "invalid sessions.list params: at /limit: must be >= 1");
        assertError(reader.request("sessions.list", object().put("limit", "ten")), "INVALID_REQUEST",
                "invalid sessions.list params: at /limit: must be integer");
        assertError(reader.request("sessions.subscribe", object().put("x", 1)), "INVALID_REQUEST",
                "invalid sessions.subscribe params: at root: unexpected property 'x'");
    }

    @Test
    void unknownMethodAndUnknownAgentAreInvalidRequests() {
        GatewayTestClient admin = client(READ, WRITE, ADMIN);

        assertError(admin.request("no.such.method", object()), "INVALID_REQUEST", "unknown method: no.such.method");
        assertError(admin.request("sessions.create", object().put("key", "agent:no-such-agent:x")), "INVALID_REQUEST",
                "Unknown agent id \"no-such-agent\"");
        assertError(admin.request("agents.list", object().put("x", 1)), "INVALID_REQUEST",
                "invalid agents.list params: at root: unexpected property 'x'");
    }

    @Test
    void subscribeWithEmptyParamsOnlySubscribesAndWithListParamsAlsoLists() {
        GatewayTestClient reader = client(READ);

        JsonNode plain = reader.call("sessions.subscribe", object());
        JsonNode withList = reader.call("sessions.subscribe", object().put("limit", 1));

        assertThat(plain.path("subscribed").asBoolean()).isTrue();
        assertThat(plain.has("list")).isFalse();
        assertThat(withList.path("subscribed").asBoolean()).isTrue();
        assertThat(withList.path("list").path("limitApplied").asInt()).isEqualTo(1);
        assertThat(withList.path("list").path("sessions").isArray()).isTrue();
    }

    @Test
    void subscriberSeesCreatePatchKeyedDeleteThenKeylessDelete() {
        GatewayTestClient subscriber = client(READ);
        subscriber.call("sessions.subscribe", object());
        GatewayTestClient admin = client(READ, WRITE, ADMIN);
        String key = newKey("events");

        JsonNode created = admin.call("sessions.create", object().put("key", key).put("label", "first"));
        JsonNode createEvent = subscriber.awaitFrame(change(key, "create"));
        admin.call("sessions.patch", object().put("key", key).put("label", "renamed"));
        JsonNode patchEvent = subscriber.awaitFrame(change(key, "patch").and(
                frame -> "renamed".equals(frame.path("payload").path("session").path("label").asString(""))));
        JsonNode deleted = admin.call("sessions.delete", object().put("key", key));
        createdKeys.remove(key);
        JsonNode keyedDelete = subscriber.awaitFrame(change(key, "delete"));
        JsonNode keylessDelete = subscriber.awaitFrame(frame -> event("sessions.changed").test(frame)
                && !frame.path("payload").has("sessionKey") && "delete".equals(reason(frame))
                && frame.path("seq").asLong() > keyedDelete.path("seq").asLong());

        JsonNode create = createEvent.path("payload");
        assertThat(create.path("agentId").asString()).isEqualTo(agentId);
        assertThat(create.path("ts").isIntegralNumber()).isTrue();
        assertThat(create.path("session").path("key").asString()).isEqualTo(key);
        assertThat(create.path("session").path("kind").asString()).isEqualTo("direct");
        assertThat(create.path("session").path("label").asString()).isEqualTo("first");
        assertThat(create.path("session").path("sessionId").asString()).isEqualTo(created.path("sessionId").asString());
        assertThat(create.path("label").asString()).as("row fields are flattened too").isEqualTo("first");
        assertThat(create.path("sessionId").asString()).isEqualTo(created.path("sessionId").asString());
        assertThat(patchEvent.path("payload").path("label").asString()).isEqualTo("renamed");
        assertThat(deleted.path("deleted").asBoolean()).isTrue();
        assertThat(keyedDelete.path("payload").has("session")).isFalse();
        assertThat(keyedDelete.path("payload").path("sessionId").asString())
                .isEqualTo(created.path("sessionId").asString());
        assertThat(keylessDelete.path("payload").path("ts").isIntegralNumber()).isTrue();
    }

    @Test
    void writerReceivesItsResponseBeforeTheChangeEventItCaused() {
        GatewayTestClient writer = client(READ, WRITE, ADMIN);
        writer.call("sessions.subscribe", object());
        String key = newKey("order");

        JsonNode created = writer.call("sessions.create", object().put("key", key));
        writer.awaitFrame(change(key, "create"));

        List<JsonNode> frames = writer.framesInOrder();
        int response = indexOf(frames, frame -> "res".equals(frame.path("type").asString(""))
                && created.path("sessionId").asString().equals(frame.path("payload").path("sessionId").asString("")));
        int event = indexOf(frames, change(key, "create"));
        assertThat(response).as("response index").isNotNegative().isLessThan(event);
    }

    @Test
    void eventSeqStartsAtOneOnEverySocketAndIncreasesByOne() {
        GatewayTestClient subscriber = client(READ);
        subscriber.call("sessions.subscribe", object());
        GatewayTestClient admin = client(READ, WRITE, ADMIN);
        String key = newKey("seq");
        admin.call("sessions.create", object().put("key", key));
        admin.call("sessions.delete", object().put("key", key));
        createdKeys.remove(key);
        subscriber.awaitFrame(frame -> event("sessions.changed").test(frame)
                && !frame.path("payload").has("sessionKey"));

        List<Long> seqs = subscriber.events().stream().map(frame -> frame.path("seq").asLong(-1)).toList();

        assertThat(seqs).isNotEmpty();
        assertThat(seqs.get(0)).isEqualTo(1L);
        for (int i = 1; i < seqs.size(); i++) {
            assertThat(seqs.get(i)).as("seq after %d", seqs.get(i - 1)).isEqualTo(seqs.get(i - 1) + 1);
        }
    }

    @Test
    void deletingAMissingSessionIsNotAnError() {
        GatewayTestClient admin = client(READ, WRITE, ADMIN);

        JsonNode result = admin.call("sessions.delete", object().put("key", newKey("never-created")));

        assertThat(result.path("ok").asBoolean()).isTrue();
        assertThat(result.path("deleted").asBoolean()).isFalse();
    }

    @Test
    void patchingAMissingKeyCreatesTheSession() {
        GatewayTestClient admin = client(READ, WRITE, ADMIN);
        String key = newKey("patched-into-life");

        admin.call("sessions.patch", object().put("key", key).put("label", "born by patch"));
        JsonNode list = admin.call("sessions.list", object().put("limit", 1000));

        assertThat(keys(list)).contains(key);
    }

    @Test
    void healthAnswersWithoutAnyScope() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();
        client.call("connect", connectParams(gatewayToken(), "test", "test"));

        JsonNode health = client.call("health", object());

        assertThat(health.path("ok").asBoolean()).isTrue();
        assertThat(health.path("defaultAgentId").asString()).isEqualTo(agentId);
    }

    @Test
    void missingRequiredConnectParamIsNamedWithoutPathAndClosedWith1008() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();
        ObjectNode params = backendConnect(gatewayToken(), READ);
        params.remove("client");

        JsonNode response = client.request("connect", params);

        String message = "invalid connect params: must have required property 'client'";
        assertError(response, "INVALID_REQUEST", message);
        assertThat(client.awaitClose()).isEqualTo(new GatewayTestClient.Close(1008, message));
    }

    @Test
    void connectWithoutTokenOrDeviceNeedsDeviceIdentity() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();
        ObjectNode params = backendConnect(gatewayToken(), READ);
        params.putObject("auth");

        JsonNode response = client.request("connect", params);

        assertError(response, "NOT_PAIRED", "device identity required");
        assertThat(response.path("error").path("details").path("code").asString()).isEqualTo("DEVICE_IDENTITY_REQUIRED");
        assertThat(client.awaitClose().code()).isEqualTo(1008);
    }

    @Test
    void textThatIsNotJsonBeforeTheHandshakeClosesTheSocketNormally() {
        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();

        client.sendText("this is not json");

        assertThat(client.awaitClose().code()).isEqualTo(1000);
    }

    @Test
    void afterTheHandshakeBadFramesGetErrorsAndTheSocketStaysUsable() {
        GatewayTestClient client = client(READ);

        client.sendText("this is not json");
        client.sendText("{\"type\":\"req\",\"method\":\"health\"}");
        JsonNode missingId = client.awaitFrame(frame -> "invalid".equals(frame.path("id").asString("")));
        client.sendText("{\"type\":\"req\",\"id\":\"bogus-frame\",\"method\":\"health\",\"bogus\":1}");
        JsonNode unknownProperty = client.awaitFrame(frame -> "bogus-frame".equals(frame.path("id").asString("")));
        JsonNode health = client.request("health", object());

        assertError(missingId, "INVALID_REQUEST", "invalid request frame: must have required property 'id'");
        assertError(unknownProperty, "INVALID_REQUEST", "invalid request frame: at root: unexpected property 'bogus'");
        assertThat(health.path("ok").asBoolean()).isTrue();
        assertThat(client.isClosed()).isFalse();
    }

    @Test
    void repeatedConnectNeedsAdminScopeAndIsThenRefused() {
        GatewayTestClient reader = client(READ);
        GatewayTestClient admin = client(READ, WRITE, ADMIN);

        JsonNode byReader = reader.request("connect", backendConnect(gatewayToken(), READ));
        JsonNode byAdmin = admin.request("connect", backendConnect(gatewayToken(), READ));

        assertError(byReader, "FORBIDDEN", "missing scope: operator.admin");
        assertError(byAdmin, "INVALID_REQUEST", "connect is only valid as the first request");
        assertThat(admin.isClosed()).isFalse();
    }

    @Test
    void archivingNeedsTheSessionIdGuardAndHidesTheSessionFromTheDefaultList() {
        GatewayTestClient admin = client(READ, WRITE, ADMIN);
        String key = newKey("archived");
        String sessionId = admin.call("sessions.create", object().put("key", key)).path("sessionId").asString();

        JsonNode unguarded = admin.request("sessions.patch", object().put("key", key).put("archived", true));
        JsonNode wrongGuard = admin.request("sessions.patch",
                object().put("key", key).put("archived", true).put("expectedSessionId", "not-" + sessionId));
        admin.call("sessions.patch", object().put("key", key).put("archived", true).put("expectedSessionId", sessionId));

        assertError(unguarded, "INVALID_REQUEST", "expectedSessionId required for session lifecycle patch: " + key);
        assertError(wrongGuard, "INVALID_REQUEST", "Session " + key + " changed before patch. Retry.");
        assertThat(keys(admin.call("sessions.list", object().put("limit", 1000)))).doesNotContain(key);
        assertThat(keys(admin.call("sessions.list", object().put("limit", 1000).put("archived", true)))).contains(key);
        assertThat(keys(admin.call("sessions.list", object().put("limit", 1000).put("archived", "all"))))
                .contains(key);
    }

    @Test
    void createWithoutKeyMakesADashboardSessionOfTheDefaultAgent() {
        GatewayTestClient admin = client(READ, WRITE, ADMIN);

        String key = admin.call("sessions.create", object()).path("key").asString();
        createdKeys.add(key);

        assertThat(key).startsWith("agent:" + agentId + ":dashboard:");
    }

    @Test
    void connectAcceptsRunCapsAndHelloOkAdvertisesTheRunEvents() {
        ObjectNode params = backendConnect(gatewayToken(), READ);
        params.putArray("caps").add("tool-events").add("session-scoped-events");

        GatewayTestClient client = track(GatewayTestClient.open(gatewayUrl()));
        client.challenge();
        JsonNode response = client.request("connect", params);

        assertThat(response.path("ok").asBoolean()).as(response.toString()).isTrue();
        // config.changed is sent (e.g. after agents.create) but not advertised (observed on 2026.9.6).
        assertThat(strings(response.path("payload").path("features").path("events")))
                .contains("agent", "chat", "session.tool").doesNotContain("config.changed");
        assertThat(strings(response.path("payload").path("features").path("methods")))
                .contains("sessions.messages.subscribe");
    }

    @Test
    void agentsListHasTheShapeClientsParse() {
        JsonNode agents = client(READ).call("agents.list", object());

        assertThat(agents.path("defaultId").isString()).isTrue();
        assertThat(agents.path("mainKey").asString()).isEqualTo("main");
        assertThat(agents.path("scope").asString()).isIn("per-sender", "global");
        assertThat(agents.path("agents").isArray()).isTrue();
        assertThat(agents.path("agents")).allSatisfy(agent -> {
            assertThat(agent.path("id").isString()).as(agent.toString()).isTrue();
            assertThat(agent.path("workspace").isMissingNode() || agent.path("workspace").isString()).isTrue();
        });
        assertThat(agents.path("agents")).extracting(agent -> agent.path("id").asString())
                .contains(agents.path("defaultId").asString());
    }

    @Test
    void messagesSubscribeAnswersWithTheKeyAndRefusesUnknownParams() {
        GatewayTestClient admin = client(READ, WRITE, ADMIN);
        String key = newKey("messages");
        admin.call("sessions.create", object().put("key", key));

        JsonNode subscribed = admin.call("sessions.messages.subscribe", object().put("key", key));

        assertThat(subscribed.path("subscribed").asBoolean()).isTrue();
        assertThat(subscribed.path("key").asString()).isEqualTo(key);
        assertError(admin.request("sessions.messages.subscribe", object().put("key", key).put("x", 1)),
                "INVALID_REQUEST", "invalid sessions.messages.subscribe params: at root: unexpected property 'x'");
    }

    /**
     * The frames of a failed run, which a real gateway without a model provider produces: {@code agent} lifecycle
     * {@code error}, the {@code chat} {@code error} carrying the same per-run {@code seq}, and the run-lifecycle
     * variant of {@code sessions.changed} (no {@code reason}) with the row no longer running.
     */
    @Test
    void failedRunSendsLifecycleErrorChatErrorAndTheRowVariantWithTheseShapes() {
        ObjectNode params = backendConnect(gatewayToken(), READ, WRITE, ADMIN);
        params.putArray("caps").add("tool-events");
        GatewayTestClient client = track(GatewayTestClient.connected(gatewayUrl(), params));
        client.call("sessions.subscribe", object());
        String key = newKey("failing-run");
        client.call("sessions.create", object().put("key", key));

        runThatFails(client, key);
        JsonNode error = client.awaitFrame(frame -> event("agent").test(frame)
                && key.equals(frame.path("payload").path("sessionKey").asString(""))
                && "error".equals(frame.path("payload").path("data").path("phase").asString("")), RUN_TIMEOUT)
                .path("payload");
        String runId = error.path("runId").asString();
        JsonNode chat = client.awaitFrame(frame -> event("chat").test(frame)
                && runId.equals(frame.path("payload").path("runId").asString(""))
                && "error".equals(frame.path("payload").path("state").asString("")), RUN_TIMEOUT).path("payload");
        JsonNode row = client.awaitFrame(frame -> event("sessions.changed").test(frame)
                && runId.equals(frame.path("payload").path("runId").asString(""))
                && "error".equals(frame.path("payload").path("phase").asString("")), RUN_TIMEOUT).path("payload");

        assertThat(runId).isNotBlank();
        assertThat(error.path("stream").asString()).isEqualTo("lifecycle");
        assertThat(error.path("agentId").asString()).isEqualTo(agentId);
        assertThat(error.path("seq").isIntegralNumber()).isTrue();
        assertThat(error.path("ts").isIntegralNumber()).isTrue();
        assertThat(error.path("isHeartbeat").asBoolean(true)).isFalse();
        assertThat(error.path("sessionId").isString()).isTrue();
        assertThat(error.path("data").path("error").asString()).isNotBlank();
        assertThat(error.path("data").path("startedAt").isIntegralNumber()).isTrue();
        assertThat(error.path("data").path("endedAt").isIntegralNumber()).isTrue();

        assertThat(chat.path("sessionKey").asString()).isEqualTo(key);
        assertThat(chat.path("agentId").asString()).isEqualTo(agentId);
        assertThat(chat.path("seq").asLong()).as("chat carries the seq of its agent event")
                .isEqualTo(error.path("seq").asLong());
        assertThat(chat.path("errorMessage").asString()).isEqualTo(error.path("data").path("error").asString());
        assertThat(chat.path("errorKind").isMissingNode()
                || List.of("refusal", "timeout", "rate_limit", "context_length", "unknown")
                        .contains(chat.path("errorKind").asString())).as(chat.toString()).isTrue();

        assertThat(row.has("reason")).as("the run-lifecycle variant has no reason: %s", row).isFalse();
        assertThat(row.path("sessionKey").asString()).isEqualTo(key);
        assertThat(row.path("agentId").asString()).isEqualTo(agentId);
        assertThat(row.path("ts").isIntegralNumber()).isTrue();
        assertThat(row.path("session").path("key").asString()).isEqualTo(key);
        assertThat(row.path("status").asString()).isEqualTo("failed");
        assertThat(row.path("hasActiveRun").asBoolean(true)).isFalse();
        assertThat(row.path("activeRunIds").isArray() && row.path("activeRunIds").isEmpty()).isTrue();
        assertThat(row.path("lastRunId").asString()).isEqualTo(runId);
        assertThat(row.path("lastRunError").asString()).isEqualTo(error.path("data").path("error").asString());
        assertThat(row.path("endedAt").isIntegralNumber()).isTrue();
        assertThat(row.path("runtimeMs").isIntegralNumber()).isTrue();
    }

    /**
     * There is no agents event: adding or removing an agent rewrites the gateway config, and the only announcement a
     * read-scoped client gets is {@code config.changed {path, hash, ts}}; it must re-list {@code agents.list}.
     */
    @Test
    void agentChangesAreAnnouncedOnlyByConfigChangedAndShowInAgentsList() {
        GatewayTestClient observer = client(READ);
        GatewayTestClient admin = client(READ, WRITE, ADMIN);
        String name = "conf" + UUID.randomUUID().toString().substring(0, 6);

        String added = addAgent(admin, name);
        JsonNode changed = observer.awaitFrame(event("config.changed"), RUN_TIMEOUT).path("payload");
        List<String> withAgent = agentIds(observer.call("agents.list", object()));
        removeAgent(admin, added);
        observer.awaitFrame(frame -> observer.events("config.changed").size() >= 2, RUN_TIMEOUT);
        List<String> withoutAgent = agentIds(observer.call("agents.list", object()));

        assertThat(changed.path("path").asString()).isNotBlank();
        assertThat(changed.path("hash").isString()).isTrue();
        assertThat(changed.path("ts").isIntegralNumber()).isTrue();
        assertThat(withAgent).contains(added);
        assertThat(withoutAgent).doesNotContain(added);
        assertThat(observer.events()).noneMatch(frame -> frame.path("event").asString("").startsWith("agents."));
    }

    private static List<String> agentIds(JsonNode agentsList) {
        List<String> ids = new ArrayList<>();
        agentsList.path("agents").forEach(agent -> ids.add(agent.path("id").asString()));
        return ids;
    }

    private GatewayTestClient client(String... scopes) {
        return track(GatewayTestClient.connected(gatewayUrl(), backendConnect(gatewayToken(), scopes)));
    }

    private GatewayTestClient track(GatewayTestClient client) {
        clients.add(client);
        return client;
    }

    private String newKey(String suffix) {
        String key = keyPrefix + suffix;
        createdKeys.add(key);
        return key;
    }

    private static Predicate<JsonNode> change(String key, String reason) {
        return frame -> event("sessions.changed").test(frame)
                && key.equals(frame.path("payload").path("sessionKey").asString("")) && reason.equals(reason(frame));
    }

    private static int indexOf(List<JsonNode> frames, Predicate<JsonNode> matching) {
        for (int i = 0; i < frames.size(); i++) {
            if (matching.test(frames.get(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String reason(JsonNode frame) {
        return frame.path("payload").path("reason").asString("");
    }

    private static List<String> keys(JsonNode listResult) {
        List<String> keys = new ArrayList<>();
        listResult.path("sessions").forEach(row -> keys.add(row.path("key").asString()));
        return keys;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asString()));
        return values;
    }

    private static void assertError(JsonNode response, String code, String message) {
        assertThat(response.path("ok").asBoolean(true)).as("expected an error: %s", response).isFalse();
        assertThat(response.path("error").path("code").asString()).as(response.toString()).isEqualTo(code);
        assertThat(response.path("error").path("message").asString()).isEqualTo(message);
    }
}

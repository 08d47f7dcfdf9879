package io.crewstream.ingestor.upstream;

import java.util.Locale;

import io.crewstream.ingestor.config.GatewayToken;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds the requests the ingestor sends. All parameter objects are closed on the gateway side, so only documented
 * keys appear. The {@code connect} frame carries the token: it is sent and never recorded or logged.
 */
final class GatewayRequests {

    static final int PROTOCOL_VERSION = 4;
    static final String READ_SCOPE = "operator.read";

    static final String CONNECT = "connect";
    static final String SESSIONS_SUBSCRIBE = "sessions.subscribe";
    static final String SESSIONS_LIST = "sessions.list";
    static final String AGENTS_LIST = "agents.list";

    /**
     * Tool-stream {@code agent} events go only to sockets that declare it. Not {@code session-scoped-events}: that
     * would limit {@code agent} and {@code chat} to sessions subscribed one by one, and the ingestor wants them all.
     */
    static final String TOOL_EVENTS_CAP = "tool-events";

    // The loopback token-only path keeps the requested scopes only for this client id and mode pair.
    private static final String CLIENT_ID = "gateway-client";
    private static final String CLIENT_MODE = "backend";
    private static final String ROLE = "operator";

    private final String clientVersion;
    private final String platform;

    GatewayRequests(String clientVersion) {
        this.clientVersion = clientVersion;
        this.platform = System.getProperty("os.name", "unknown").toLowerCase(Locale.ROOT).replace(' ', '-');
    }

    String connect(String id, GatewayToken token) {
        ObjectNode params = GatewayJson.mapper().createObjectNode();
        params.put("minProtocol", PROTOCOL_VERSION);
        params.put("maxProtocol", PROTOCOL_VERSION);
        ObjectNode client = params.putObject("client");
        client.put("id", CLIENT_ID);
        client.put("version", this.clientVersion);
        client.put("platform", this.platform);
        client.put("mode", CLIENT_MODE);
        params.put("role", ROLE);
        params.putArray("scopes").add(READ_SCOPE);
        params.putArray("caps").add(TOOL_EVENTS_CAP);
        params.putObject("auth").put("token", token.reveal());
        return request(id, CONNECT, params);
    }

    /** Subscribes to {@code sessions.changed} and lists the first page atomically. */
    String sessionsSubscribe(String id, int limit) {
        ObjectNode params = GatewayJson.mapper().createObjectNode();
        params.put("limit", limit);
        return request(id, SESSIONS_SUBSCRIBE, params);
    }

    String sessionsList(String id, int limit, long offset) {
        ObjectNode params = GatewayJson.mapper().createObjectNode();
        params.put("limit", limit);
        if (offset > 0) {
            params.put("offset", offset);
        }
        return request(id, SESSIONS_LIST, params);
    }

    /** The params schema is closed and empty. */
    String agentsList(String id) {
        return request(id, AGENTS_LIST, GatewayJson.mapper().createObjectNode());
    }

    private static String request(String id, String method, ObjectNode params) {
        ObjectNode frame = GatewayJson.mapper().createObjectNode();
        frame.put("type", GatewayFrame.REQUEST);
        frame.put("id", id);
        frame.put("method", method);
        frame.set("params", params);
        return GatewayJson.mapper().writeValueAsString(frame);
    }
}

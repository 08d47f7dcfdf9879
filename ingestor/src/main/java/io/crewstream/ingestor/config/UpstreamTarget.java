package io.crewstream.ingestor.config;

import java.net.URI;

/**
 * A validated, enabled upstream gateway: what a supervisor needs to connect.
 *
 * @param displayUrl {@code url} without user info, query or fragment: safe to log and to publish
 * @param origin where the address and the token came from, never the token, e.g. {@code gateway
 *     ws://127.0.0.1:18789 (port from /home/me/.openclaw/openclaw.json), token from
 *     /home/me/.openclaw/openclaw.json}
 */
public record UpstreamTarget(String id, URI url, String displayUrl, GatewayToken token, String origin) {

    @Override
    public String toString() {
        return "UpstreamTarget[id=" + this.id + ", url=" + this.displayUrl + "]";
    }
}

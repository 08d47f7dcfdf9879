package io.crewstream.ingestor.config;

import java.net.URI;

/**
 * A validated, enabled upstream gateway: what a supervisor needs to connect.
 *
 * @param displayUrl {@code url} without user info, query or fragment: safe to log and to publish
 */
public record UpstreamTarget(String id, URI url, String displayUrl, GatewayToken token) {

    @Override
    public String toString() {
        return "UpstreamTarget[id=" + this.id + ", url=" + this.displayUrl + "]";
    }
}

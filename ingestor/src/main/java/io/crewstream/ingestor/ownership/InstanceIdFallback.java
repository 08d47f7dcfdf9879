package io.crewstream.ingestor.ownership;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * TEMPORARY (issue #17 merge): the instance id when {@code crewstream.ingestor.instance-id} is unset, until the
 * fenced-publishing branch's {@code InstanceId} resolver (ingestor/config) replaces it: host name + "-" + pid,
 * sanitized to [A-Za-z0-9._-], at most 100 characters.
 */
final class InstanceIdFallback {

    private InstanceIdFallback() {
    }

    static String resolve(String configured) {
        if (configured != null && !configured.isBlank()) {
            return configured.trim();
        }
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            host = "ingestor";
        }
        String id = (host + "-" + ProcessHandle.current().pid()).replaceAll("[^A-Za-z0-9._-]", "_");
        return id.length() <= 100 ? id : id.substring(id.length() - 100);
    }
}

package io.crewstream.ingestor.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/**
 * This ingestor's name among the instances sharing the gateways ({@code crewstream.ingestor.instance-id}): on every
 * record it writes ({@code ce_crewstreamwriter}), on every status ({@code owner}), in health and logs. Configured, or
 * else the host name and process id, which differ between instances on one host and between hosts.
 *
 * <p>Immutable; resolving the default asks the operating system for the host name once.
 */
public record InstanceId(String value) {

    /** The characters an instance id may hold: safe in a header, a log line, a metric tag and a file name. */
    public static final String RULE = "must be 1 to " + InstanceId.MAX_LENGTH + " characters of A-Z, a-z, 0-9, "
            + "'.', '_' or '-'";

    static final int MAX_LENGTH = 100;

    private static final Pattern LEGAL = Pattern.compile("[A-Za-z0-9._-]{1," + MAX_LENGTH + "}");
    private static final Pattern ILLEGAL_CHARACTER = Pattern.compile("[^A-Za-z0-9._-]");

    public InstanceId {
        if (value == null || !LEGAL.matcher(value).matches()) {
            throw new IllegalArgumentException("instance id '" + value + "' " + RULE);
        }
    }

    /** The configured id, or the default for this process when none is configured. */
    public static InstanceId of(IngestorProperties properties) {
        String configured = properties.instanceId();
        return configured == null || configured.isBlank() ? ofThisProcess() : new InstanceId(configured.trim());
    }

    /** Whether {@code configured} (unset counts as valid: the default is used) may be an instance id. */
    public static boolean isValid(String configured) {
        return configured == null || configured.isBlank() || LEGAL.matcher(configured.trim()).matches();
    }

    /** Host name and process id, e.g. {@code ingestor-7f9c-4211}. */
    public static InstanceId ofThisProcess() {
        return fromHostAndPid(hostName(), ProcessHandle.current().pid());
    }

    /** Sanitized to the legal characters and cut to the longest length, keeping the process id whole. */
    static InstanceId fromHostAndPid(String host, long pid) {
        String suffix = "-" + pid;
        String cleanHost = ILLEGAL_CHARACTER.matcher(host == null || host.isBlank() ? "ingestor" : host)
                .replaceAll("_");
        if (cleanHost.length() + suffix.length() > MAX_LENGTH) {
            cleanHost = cleanHost.substring(0, MAX_LENGTH - suffix.length());
        }
        return new InstanceId(cleanHost + suffix);
    }

    private static String hostName() {
        String fromEnvironment = System.getenv("HOSTNAME");
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            // A container's name (docker-compose, Kubernetes pod) without a DNS lookup.
            return fromEnvironment;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (UnknownHostException ex) {
            return "ingestor";
        }
    }

    @Override
    public String toString() {
        return this.value;
    }
}

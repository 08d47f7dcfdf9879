package io.crewstream.ingestor.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import io.crewstream.ingestor.config.IngestorProperties.Upstream;
import io.crewstream.schemas.ConnectionIds;

/**
 * Checks the whole configuration and resolves every enabled upstream's address and token. Collects all problems
 * before failing, one line each, so that one start-up tells the operator everything that is wrong. A problem line
 * names the property and the environment variable or file involved, never a token value.
 *
 * <p>crewstream's own settings win: {@code url}; {@code token-file}, else {@code token-env}. What an upstream leaves
 * unset comes from the OpenClaw on this machine ({@link LocalOpenClaw}).
 */
public final class IngestorConfigValidator {

    private static final Duration MIN_SESSION_TIMEOUT = Duration.ofSeconds(6);

    private final Function<String, String> environment;
    private final LocalOpenClaw openClaw;

    /**
     * @param environment looks up environment variables ({@code System::getenv} in production)
     * @param openClaw what the local OpenClaw's configuration says, for upstreams that leave url or token unset
     */
    public IngestorConfigValidator(Function<String, String> environment, LocalOpenClaw openClaw) {
        this.environment = environment;
        this.openClaw = openClaw;
    }

    /**
     * Without a home directory of its own: only {@code OPENCLAW_CONFIG_PATH}, {@code OPENCLAW_STATE_DIR},
     * {@code OPENCLAW_HOME} or {@code HOME} in {@code environment} lead to an OpenClaw config file.
     */
    public IngestorConfigValidator(Function<String, String> environment) {
        this(environment, LocalOpenClaw.of(environment, null));
    }

    /** @throws InvalidIngestorConfigException listing every problem */
    public List<UpstreamTarget> validate(IngestorProperties properties) {
        List<String> problems = new ArrayList<>();
        List<UpstreamTarget> targets = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < properties.upstreams().size(); i++) {
            UpstreamTarget target = validateUpstream(i, properties.upstreams().get(i), ids, problems);
            if (target != null) {
                targets.add(target);
            }
        }
        if (!InstanceId.isValid(properties.instanceId())) {
            problems.add("crewstream.ingestor.instance-id '" + properties.instanceId() + "' " + InstanceId.RULE);
        }
        validateKafka(properties.kafka(), problems);
        validateConnection(properties.connection(), problems);
        validateOwnership(properties.ownership(), problems);
        if (!problems.isEmpty()) {
            throw new InvalidIngestorConfigException(problems);
        }
        return List.copyOf(targets);
    }

    private UpstreamTarget validateUpstream(int index, Upstream upstream, Set<String> ids, List<String> problems) {
        String property = "crewstream.ingestor.upstreams[" + index + "]";
        int before = problems.size();
        String id = upstream.id();
        if (id == null || id.isBlank()) {
            problems.add(property + ".id is missing");
        }
        else if (!ConnectionIds.isValid(id)) {
            problems.add(property + ".id '" + id + "' " + ConnectionIds.RULE);
        }
        else if (!ids.add(id)) {
            problems.add(property + ".id '" + id + "' is used by another upstream; ids must be unique");
        }
        String label = property + " (" + id + ")";
        if (!upstream.enabled()) {
            return null;
        }
        URI url;
        String urlOrigin;
        if (isUnset(upstream.url())) {
            LocalOpenClaw.Address address = this.openClaw.address();
            url = address.url();
            urlOrigin = address.origin();
        }
        else {
            url = validateUrl(label, upstream.url(), problems);
            urlOrigin = property + ".url";
        }
        Token token = resolveToken(label, upstream, url, problems);
        if (problems.size() > before) {
            return null;
        }
        return new UpstreamTarget(id, url, displayUrl(url), token.token(),
                "gateway " + displayUrl(url) + " (" + urlOrigin + "), " + token.origin());
    }

    private static boolean isUnset(String value) {
        return value == null || value.isBlank();
    }

    private static URI validateUrl(String label, String url, List<String> problems) {
        try {
            URI uri = new URI(url.trim());
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equalsIgnoreCase("ws") || scheme.equalsIgnoreCase("wss"))) {
                problems.add(label + ".url '" + displayUrl(uri) + "' must start with ws:// or wss://");
                return null;
            }
            if (uri.getHost() == null || uri.getHost().isBlank()) {
                problems.add(label + ".url '" + displayUrl(uri) + "' has no host");
                return null;
            }
            return uri;
        }
        catch (URISyntaxException ex) {
            // The reason, not the input: a mistyped URL may contain a credential in its query.
            problems.add(label + ".url is not a valid URL: " + ex.getReason());
            return null;
        }
    }

    /** {@code url} is {@code null} when invalid: a problem is reported already, the local OpenClaw is not asked. */
    private Token resolveToken(String label, Upstream upstream, URI url, List<String> problems) {
        if (upstream.tokenFile() != null) {
            try {
                String token = Files.readString(upstream.tokenFile(), StandardCharsets.UTF_8).trim();
                if (token.isEmpty()) {
                    problems.add(label + ".token-file " + upstream.tokenFile() + " is empty");
                    return Token.NONE;
                }
                return new Token(new GatewayToken(token), "token from token-file " + upstream.tokenFile());
            }
            catch (IOException ex) {
                problems.add(label + ".token-file " + upstream.tokenFile() + " cannot be read: "
                        + ex.getClass().getSimpleName());
                return Token.NONE;
            }
        }
        String variable = upstream.tokenEnv();
        if (!isUnset(variable)) {
            String token = this.environment.apply(variable.trim());
            if (token == null || token.isBlank()) {
                problems.add(label + " has no token: environment variable " + variable
                        + " is empty or not set (or set token-file)");
                return Token.NONE;
            }
            return new Token(new GatewayToken(token.trim()), "token from $" + variable.trim() + " (token-env)");
        }
        if (url == null) {
            return Token.NONE;
        }
        LocalOpenClaw.TokenLookup lookup = this.openClaw.token(url);
        if (lookup instanceof LocalOpenClaw.TokenLookup.Found found) {
            return new Token(found.token(), found.origin());
        }
        problems.add(label + " has no token: " + ((LocalOpenClaw.TokenLookup.NotFound) lookup).why()
                + " (export the gateway's token as " + IngestorProperties.DEFAULT_TOKEN_ENV + ", or set token-file)");
        return Token.NONE;
    }

    /** A resolved token and where it came from; {@link #NONE} when a problem was reported instead. */
    private record Token(GatewayToken token, String origin) {

        static final Token NONE = new Token(null, null);
    }

    private static void validateKafka(IngestorProperties.Kafka kafka, List<String> problems) {
        String property = "crewstream.ingestor.kafka";
        if (kafka.rawFramesPartitions() < 1) {
            problems.add(property + ".raw-frames-partitions must be at least 1 but was " + kafka.rawFramesPartitions());
        }
        if (kafka.snapshotChunkBytes() < 1024 || kafka.snapshotChunkBytes() > kafka.maxRecordBytes()) {
            problems.add(property + ".snapshot-chunk-bytes must be between 1024 and max-record-bytes ("
                    + kafka.maxRecordBytes() + ") but was " + kafka.snapshotChunkBytes());
        }
        if (kafka.maxPendingRecords() < 1) {
            problems.add(property + ".max-pending-records must be at least 1 but was " + kafka.maxPendingRecords());
        }
        positive(property + ".delivery-timeout", kafka.deliveryTimeout(), problems);
    }

    private static void validateConnection(IngestorProperties.Connection connection, List<String> problems) {
        String property = "crewstream.ingestor.connection";
        positive(property + ".reconciliation-interval", connection.reconciliationInterval(), problems);
        positive(property + ".backoff-initial", connection.backoffInitial(), problems);
        positive(property + ".backoff-max", connection.backoffMax(), problems);
        positive(property + ".auth-retry-interval", connection.authRetryInterval(), problems);
        positive(property + ".request-timeout", connection.requestTimeout(), problems);
        positive(property + ".connect-timeout", connection.connectTimeout(), problems);
        positive(property + ".handshake-tick-interval", connection.handshakeTickInterval(), problems);
        positive(property + ".status-interval", connection.statusInterval(), problems);
        positive(property + ".snapshot-overdue", connection.snapshotOverdue(), problems);
        if (connection.backoffInitial() != null && connection.backoffMax() != null
                && connection.backoffInitial().compareTo(connection.backoffMax()) > 0) {
            problems.add(property + ".backoff-initial (" + connection.backoffInitial()
                    + ") must not exceed backoff-max (" + connection.backoffMax() + ")");
        }
        if (connection.pageSize() < 1) {
            problems.add(property + ".page-size must be at least 1 but was " + connection.pageSize());
        }
    }

    /**
     * Kafka's own rules, checked here so that a bad value is one clear line at start-up instead of a group that never
     * forms: the broker refuses session timeouts under its {@code group.min.session.timeout.ms} (6 s by default), and
     * a member needs about three heartbeats per session timeout to survive one lost heartbeat.
     */
    private static void validateOwnership(IngestorProperties.Ownership ownership, List<String> problems) {
        String property = "crewstream.ingestor.ownership";
        positive(property + ".session-timeout", ownership.sessionTimeout(), problems);
        positive(property + ".heartbeat-interval", ownership.heartbeatInterval(), problems);
        positive(property + ".open-timeout", ownership.openTimeout(), problems);
        if (ownership.sessionTimeout() != null && ownership.sessionTimeout().compareTo(MIN_SESSION_TIMEOUT) < 0) {
            problems.add(property + ".session-timeout must be at least 6s (the Kafka broker's default "
                    + "group.min.session.timeout.ms; it refuses shorter ones) but was " + ownership.sessionTimeout());
        }
        if (ownership.sessionTimeout() != null && ownership.heartbeatInterval() != null
                && ownership.heartbeatInterval().multipliedBy(3).compareTo(ownership.sessionTimeout()) >= 0) {
            problems.add(property + ".heartbeat-interval (" + ownership.heartbeatInterval() + ") must be less than a "
                    + "third of session-timeout (" + ownership.sessionTimeout() + "), so that one lost heartbeat "
                    + "does not cost the instance its gateways");
        }
    }

    private static void positive(String property, Duration value, List<String> problems) {
        if (value == null || value.isZero() || value.isNegative()) {
            problems.add(property + " must be a positive duration but was " + value);
        }
    }

    /** The URL without user info, query or fragment, which may carry credentials. */
    static String displayUrl(URI url) {
        if (url.getHost() == null) {
            return url.getScheme() + ":…";
        }
        return url.getScheme() + "://" + url.getHost() + (url.getPort() >= 0 ? ":" + url.getPort() : "")
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}

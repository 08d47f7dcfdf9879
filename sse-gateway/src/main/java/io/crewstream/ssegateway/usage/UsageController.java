package io.crewstream.ssegateway.usage;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import io.crewstream.replay.Replay;
import io.crewstream.schemas.ConnectionIds;
import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.Topic;
import io.crewstream.schemas.records.AgentUsageMinute;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerde;
import io.crewstream.schemas.serde.ContractSerdes;
import io.crewstream.ssegateway.api.QueryParameters;
import io.crewstream.ssegateway.api.ScopeRefusals;
import io.crewstream.ssegateway.replay.ReplayGate;
import io.crewstream.ssegateway.security.GatewayScope;
import io.crewstream.ssegateway.security.Viewer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/usage?hours=N[&connection=ID]}: every agent's usage per minute over the last {@code hours} (1 to
 * {@value #MAX_HOURS}, default {@value #DEFAULT_HOURS}), read on demand from the agent-usage topic the agent-usage app
 * writes (seek by time, nothing held in memory between requests), for the usage page. Behind the same
 * authentication as the rest of {@code /api/**}; shares the replay questions' limit on concurrent Kafka reads.
 * Only the gateways of the caller's {@link Viewer#scope()} are read (without {@code connection}, all of those); a
 * {@code connection} outside it is a 403 {@code out_of_scope}.
 */
@RestController
public class UsageController {

    private static final Logger LOG = LoggerFactory.getLogger(UsageController.class);

    static final int DEFAULT_HOURS = 3;

    static final int MAX_HOURS = 24;

    private final Replay replay;

    private final ReplayGate gate;

    private final Clock clock;

    private final ContractSerde<AgentUsageMinute> serde = ContractSerdes.forTopic(Topic.AGENT_USAGE,
            AgentUsageMinute.class);

    public UsageController(Replay replay, ReplayGate gate, Clock clock) {
        this.replay = replay;
        this.gate = gate;
        this.clock = clock;
    }

    @GetMapping("/api/usage")
    public ResponseEntity<byte[]> usage(ServerHttpRequest request, Viewer viewer) {
        int hours = QueryParameters.number(request, "hours", DEFAULT_HOURS, 1, MAX_HOURS);
        String connection = QueryParameters.optionalConnection(request);
        if (connection != null) {
            ScopeRefusals.requirePermitted(viewer.scope(), connection);
        }
        GatewayScope gateways = (connection != null) ? GatewayScope.of(Set.of(connection)) : viewer.scope();
        // Keys are <connectionId>/<agentId>: other gateways' records are skipped before they are decoded.
        List<byte[]> keyPrefixes = keyPrefixes(gateways);
        Instant to = this.clock.instant();
        Instant from = to.minus(Duration.ofHours(hours));
        UsageReport report = new UsageReport();
        this.gate.run(() -> {
            this.replay.export(Topic.AGENT_USAGE, from, null, record -> {
                if (record.value() != null && startsWithAny(record.key(), keyPrefixes)) {
                    try {
                        AgentUsageMinute minute = this.serde.deserialize(record.topic(), record.value());
                        if (!gateways.permits(minute.connectionId())) {
                            // Its key said one of the asked-for gateways: a broken record must not show another.
                            throw new ContractViolationException("its key names another gateway than its value");
                        }
                        report.add(minute);
                    }
                    catch (ContractViolationException ex) {
                        // Not the page's to show, but not silently gone either: counted in the answer, logged.
                        if (report.unreadable() == 0) {
                            LOG.warn("Usage record {}-{}@{} is not an AgentUsageMinute, left out: {}", record.topic(),
                                    record.partition(), record.offset(), ex.getMessage());
                        }
                        report.countUnreadable();
                    }
                }
                return true;
            });
            return null;
        });
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .body(ContractJson.mapper().writeValueAsBytes(report.toJson(from, to)));
    }

    /** The key prefixes of the gateways' records; one empty prefix (every key) for all. */
    private static List<byte[]> keyPrefixes(GatewayScope gateways) {
        if (gateways instanceof GatewayScope.Only only) {
            // A scope may name what is no connection id (a token's claim is the identity provider's text): it matches
            // no gateway, and has no key prefix.
            return only.connectionIds().stream().filter(ConnectionIds::isValid)
                    .map(id -> AgentUsageMinute.keyPrefix(id).getBytes(StandardCharsets.UTF_8)).toList();
        }
        return List.of(new byte[0]);
    }

    private static boolean startsWithAny(byte[] key, List<byte[]> prefixes) {
        for (byte[] prefix : prefixes) {
            if (key != null && key.length >= prefix.length
                    && Arrays.equals(key, 0, prefix.length, prefix, 0, prefix.length)) {
                return true;
            }
        }
        return false;
    }
}

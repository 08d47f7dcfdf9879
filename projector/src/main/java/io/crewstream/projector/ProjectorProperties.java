package io.crewstream.projector;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import io.crewstream.streams.StreamsAppProperties;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the projector, bound from {@code crewstream.projector.*}. Where Kafka is, the topic prefix, partitions
 * and replication are the pipeline's shared settings ({@code crewstream.kafka.*},
 * {@link io.crewstream.runtime.KafkaSettings}).
 *
 * @param applicationId Kafka Streams {@code application.id}: consumer group, transactional id prefix and prefix of
 *     the internal changelog topics; every instance of one projector shares it
 * @param instanceId this instance's stable name in the consumer group (static membership), e.g. the host or pod
 *     name; empty for dynamic membership. With it, a stopping instance hands its partitions over at once and a
 *     restarting one takes them back without a rebalance; without it, Kafka Streams 4.1 does not leave the group
 *     on close and the others wait for the session timeout (45 s) before taking over
 * @param processingGuarantee {@code exactly_once_v2} (default) or {@code at_least_once}
 * @param commitInterval how often Kafka Streams commits; under exactly-once, how long a change may wait before
 *     read-committed consumers see it
 * @param stateDir where the local state stores live (default {@code <java.io.tmpdir>/crewstream-projector}); they
 *     are rebuilt from their changelogs when missing
 * @param streamThreads stream threads of this instance
 * @param standbyReplicas warm copies of each store on other instances, for a faster takeover
 * @param closeTimeout how long {@code stop()} waits for Kafka Streams to close cleanly
 * @param provisioningTimeout how long one attempt to provision the topics waits for Kafka before it is retried
 * @param stallTimeout how long the committed offset of an input partition with records waiting may stand still,
 *     while the projector evidently tries (new records arrive, or stream threads die), before health says DOWN
 * @param streamsProperties further Kafka Streams settings (any {@code StreamsConfig} key, prefixed ones included),
 *     applied last, so they override the settings above and the projector's own; for tuning, not needed normally
 * @param activity settings of the session activity table ({@code crewstream.projector.activity.*})
 */
@ConfigurationProperties("crewstream.projector")
public record ProjectorProperties(
        @DefaultValue("crewstream-projector") String applicationId,
        @DefaultValue("") String instanceId,
        @DefaultValue("exactly_once_v2") String processingGuarantee,
        @DefaultValue("5ms") Duration commitInterval,
        Path stateDir,
        @DefaultValue("1") int streamThreads,
        @DefaultValue("0") int standbyReplicas,
        @DefaultValue("30s") Duration closeTimeout,
        @DefaultValue("30s") Duration provisioningTimeout,
        @DefaultValue("60s") Duration stallTimeout,
        @DefaultValue Map<String, String> streamsProperties,
        @DefaultValue Activity activity) implements StreamsAppProperties {

    /**
     * @param errorHold how long a session shows the error its last run ended with before it is idle again (keeping
     *     it as {@code lastError}); a new run ends it at once. At least {@link #MIN_ERROR_HOLD}: a shorter hold
     *     would need a timer finer than the punctuation interval can be (a sub-millisecond one truncates to 0 ms,
     *     which Kafka Streams refuses at every start), and no one would see the error anyway
     */
    public record Activity(@DefaultValue("30s") Duration errorHold) {

        /** The shortest error hold accepted. */
        public static final Duration MIN_ERROR_HOLD = Duration.ofSeconds(1);

        public Activity {
            if (errorHold == null || errorHold.compareTo(MIN_ERROR_HOLD) < 0) {
                throw new IllegalArgumentException("crewstream.projector.activity.error-hold must be at least "
                        + MIN_ERROR_HOLD.toSeconds() + "s but was " + errorHold);
            }
        }
    }

    public ProjectorProperties {
        instanceId = instanceId == null ? "" : instanceId;
        streamsProperties = (streamsProperties == null) ? Map.of() : Map.copyOf(streamsProperties);
        activity = (activity == null) ? new Activity(Duration.ofSeconds(30)) : activity;
        if (stallTimeout == null || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("crewstream.projector.stall-timeout must be positive but was "
                    + stallTimeout);
        }
        if (stateDir == null) {
            stateDir = Path.of(System.getProperty("java.io.tmpdir"), "crewstream-projector");
        }
    }
}

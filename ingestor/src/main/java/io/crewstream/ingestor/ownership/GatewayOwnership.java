package io.crewstream.ingestor.ownership;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.IntStream;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.ingestor.ownership.GatewayPhase.Owned;
import io.crewstream.ingestor.publish.GatewayWriters;
import io.crewstream.ingestor.upstream.StopMode;
import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.runtime.LoopThread;
import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.runtime.TopicPlan;
import io.crewstream.runtime.TopicProvisioner;
import io.crewstream.schemas.CoordinationTopic;
import io.crewstream.schemas.TopicNamespace;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.GroupProtocol;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which gateways this instance owns: it joins the ingestors' consumer group over the ownership topic
 * ({@link CoordinationTopic#INGESTOR_OWNERSHIP}, one partition per gateway, {@link GatewayPartitions}), and Kafka's
 * cooperative rebalancing gives each partition to exactly one live member. For a gateway assigned here it opens the
 * gateway's fenced writer ({@link GatewayWriters#open}) and then starts its supervisor (a fresh connect and a full
 * {@code initial} snapshot); for one revoked (another instance joined or left) it stops the supervisor with a last
 * {@code connecting}/{@code handed_over} status and closes the writer before the revocation returns, so the next
 * owner starts only after this one is done; for one lost (this instance missed its session timeout) it stops the
 * supervisor without a word, since another owns it already. A writer fenced by another instance stops the
 * supervisor without a word until the gateway is assigned here anew; a writer that failed otherwise is opened again
 * after a backoff while the gateway is still assigned. Each gateway's phase is an explicit {@link GatewayPhase} in an
 * {@link OwnershipBook}. The topic holds no records; nothing is committed.
 *
 * <p>Threading: one thread, {@value #THREAD_NAME}, does everything: provisions the topic, creates, polls and closes
 * the consumer, runs the rebalance callbacks (Kafka calls them inside {@code poll} and {@code close}), opens and
 * closes writers, starts and stops supervisors, and owns the {@link OwnershipBook}. Writer-lost notices arrive on
 * publisher threads and are only queued, with {@link Consumer#wakeup()} (the one thread-safe consumer method) to
 * have them handled at once. {@link #start()} and {@link #stop()} may be called from any thread (they synchronize on
 * this object); {@link #standings()}, {@link #ownedHere} and {@link #instanceId()} read an immutable copy published
 * through a volatile field.
 */
public final class GatewayOwnership {

    static final String THREAD_NAME = "ingestor-ownership";

    /** How long one poll blocks when no writer is due to be opened; also how soon a stop is seen at worst. */
    private static final Duration POLL = Duration.ofSeconds(1);

    /** One attempt to provision the ownership topic waits this long for Kafka. */
    private static final Duration PROVISIONING_TIMEOUT = Duration.ofSeconds(15);

    /** Retries of provisioning, of a failing poll, and of opening a writer: the one backoff, 1 s up to 30 s. */
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(GatewayOwnership.class);

    private final KafkaSettings kafka;
    private final IngestorProperties.Ownership settings;
    private final boolean createTopic;
    private final String instanceId;
    private final GatewayPartitions partitions;
    private final UpstreamSupervisors supervisors;
    private final GatewayWriters writers;
    private final Clock clock;
    private final OwnershipMetrics metrics;
    private final Queue<WriterLost> writerLosses = new ConcurrentLinkedQueue<>();

    private volatile Map<String, GatewayStanding> standings;
    private volatile Membership membership;

    // Guarded by this object's monitor: the run in progress, if any.
    private Run run;

    /**
     * @param instanceId this instance's name (health, logs, the consumer's client id), resolved
     *     ({@link io.crewstream.ingestor.config.InstanceId})
     * @param createTopic whether the ownership topic is created (or grown) when missing or too small
     */
    public GatewayOwnership(KafkaSettings kafka, IngestorProperties.Ownership settings, boolean createTopic,
            String instanceId, UpstreamSupervisors supervisors, GatewayWriters writers, MeterRegistry registry,
            Clock clock) {
        this.kafka = kafka;
        this.settings = settings;
        this.createTopic = createTopic;
        this.instanceId = instanceId;
        this.partitions = new GatewayPartitions(supervisors.connectionIds());
        this.supervisors = supervisors;
        this.writers = writers;
        this.clock = clock;
        this.standings = new OwnershipBook(this.partitions.all(), clock.millis()).standings();
        this.membership = new Membership(false, Instant.ofEpochMilli(clock.millis()), "not started");
        this.metrics = new OwnershipMetrics(registry, this.partitions.all(), this::ownedHere);
    }

    public String instanceId() {
        return this.instanceId;
    }

    /** Every gateway's phase here, when and why it last changed; any thread. */
    public Map<String, GatewayStanding> standings() {
        return this.standings;
    }

    /**
     * Whether this instance is a member of the ingestors' group, since when and why; any thread. Not a member: not
     * started, still joining, Kafka unreachable, or dropped for missing its session timeout (until it rejoins).
     */
    public Membership membership() {
        return this.membership;
    }

    /** This instance in the group, for health. */
    public record Membership(boolean member, Instant since, String why) {
    }

    /** Whether this instance owns the gateway now (writer open, supervisor running); any thread. */
    public boolean ownedHere(String connectionId) {
        GatewayStanding standing = this.standings.get(connectionId);
        return standing != null && standing.ownedHere();
    }

    /** The gateways this instance owns now, in partition order; any thread. */
    public List<String> owned() {
        return this.standings.entrySet().stream().filter(e -> e.getValue().ownedHere()).map(Map.Entry::getKey)
                .toList();
    }

    /** Joins the group on the ownership thread; returns at once. Does nothing when running. */
    public synchronized void start() {
        if (this.run != null) {
            return;
        }
        this.writers.onWriterLost((connectionId, fenced, reason) -> {
            this.writerLosses.add(new WriterLost(connectionId, fenced, reason));
            Run current;
            synchronized (this) {
                current = this.run;
            }
            if (current != null) {
                current.wake();
            }
        });
        Run run = new Run(new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer()));
        run.loop = LoopThread.start(THREAD_NAME, run::wake, run::run);
        this.run = run;
    }

    /**
     * Stops every owned gateway's supervisor ({@code disconnected}/{@code stopped}) and closes its writer, then
     * leaves the group (so the others take the gateways over at once), all on the ownership thread; waits for it.
     */
    public void stop() {
        Run stopped;
        synchronized (this) {
            stopped = this.run;
            this.run = null;
        }
        if (stopped == null) {
            return;
        }
        stopped.stop();
        // Each owned gateway: up to 5 s for its supervisor and the open timeout for its writer's last commit.
        stopped.loop.join(Duration.ofMillis((5_000 + this.settings.openTimeout().toMillis())
                * Math.max(1, this.partitions.count()) + 10_000));
    }

    Map<String, Object> consumerConfig() {
        TopicNamespace namespace = this.kafka.namespace();
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, this.kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, namespace.groupId(CoordinationTopic.INGESTOR_OWNERSHIP));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "crewstream-ingestor-ownership-" + this.instanceId);
        // The classic protocol: its cooperative assignor keeps unaffected gateways where they are and lets a member
        // finish revoking before another gets the partition, which is what the handover relies on.
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, GroupProtocol.CLASSIC.name().toLowerCase());
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) this.settings.sessionTimeout().toMillis());
        config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) this.settings.heartbeatInterval().toMillis());
        // The topic holds no records: there is nothing to commit.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        return config;
    }

    /** A writer-lost notice from a publisher thread, for the ownership thread. */
    private record WriterLost(String connectionId, boolean fenced, String reason) {
    }

    /** One start-to-stop: the consumer, the thread, the book and the stop signal. */
    private final class Run implements ConsumerRebalanceListener {

        private final Consumer<byte[], byte[]> consumer;
        // Used by the run's thread only.
        private final OwnershipBook book = new OwnershipBook(GatewayOwnership.this.partitions.all(),
                GatewayOwnership.this.clock.millis());
        private final Map<String, ReconnectBackoff> openBackoffs = new HashMap<>();
        private final ReconnectBackoff pollBackoff = ReconnectBackoff.withJitter(FIRST_RETRY, MAX_RETRY);
        // The same loop, set by the run's thread as it begins and by start() for stop().
        private volatile LoopThread loop;
        private volatile boolean provisioning = true;

        Run(Consumer<byte[], byte[]> consumer) {
            this.consumer = consumer;
        }

        void run(LoopThread loop) {
            this.loop = loop;
            membership(false, "joining the group");
            String topic = GatewayOwnership.this.kafka.namespace().name(CoordinationTopic.INGESTOR_OWNERSHIP);
            try (this.consumer) {
                if (!provision()) {
                    return;
                }
                warnOfIgnoredPartitions(topic);
                this.consumer.subscribe(List.of(topic), this);
                log.info("Instance '{}' joining the ingestors sharing {} gateways ({}) over {}",
                        GatewayOwnership.this.instanceId, GatewayOwnership.this.partitions.count(),
                        GatewayOwnership.this.partitions.all(), topic);
                while (!stopping()) {
                    try {
                        handleWriterLosses();
                        openDue();
                        this.consumer.poll(pollTimeout());
                        this.pollBackoff.reset();
                    }
                    catch (WakeupException ex) {
                        // stop() or a writer-lost notice ends the poll; the loop handles what is queued.
                    }
                    catch (KafkaException ex) {
                        log.warn("Ownership: could not poll the group over {}, trying again: {}", topic,
                                ex.toString());
                        pause(this.pollBackoff.next());
                    }
                }
                releaseAll();
            }
            catch (InterruptException ex) {
                log.info("Ownership: interrupted while closing the group membership");
            }
            catch (RuntimeException ex) {
                log.warn("Ownership: closing the group membership failed: {}", ex.toString());
            }
            finally {
                // Whatever is left (a close that failed half-way) must not keep writing.
                releaseAll();
                membership(false, "stopped");
            }
        }

        /** @return false when stopped before the topic was provisioned */
        private boolean provision() {
            TopicPlan plan = TopicPlan.empty().withCoordination(CoordinationTopic.INGESTOR_OWNERSHIP,
                    GatewayOwnership.this.partitions.count());
            if (!GatewayOwnership.this.createTopic) {
                this.provisioning = false;
                return !stopping();
            }
            TopicProvisioner provisioner = new TopicProvisioner(GatewayOwnership.this.kafka, "ingestor",
                    PROVISIONING_TIMEOUT);
            try {
                provisioner.provision(plan, ReconnectBackoff.withJitter(FIRST_RETRY, MAX_RETRY),
                        (attempt, retryIn, reason) -> { });
                return !stopping();
            }
            catch (InterruptedException ex) {
                return false;
            }
            finally {
                this.provisioning = false;
                // An interrupt meant for provisioning must not break the consumer's close.
                Thread.interrupted();
            }
        }

        private void warnOfIgnoredPartitions(String topic) {
            try {
                List<PartitionInfo> infos = this.consumer.partitionsFor(topic, PROVISIONING_TIMEOUT);
                int gateways = GatewayOwnership.this.partitions.count();
                if (infos != null && !infos.isEmpty() && infos.size() < gateways) {
                    // Only with create-topics off: provisioning grows the topic otherwise.
                    log.warn("Ownership topic {} has {} partitions for {} gateways: no instance will connect to {} "
                            + "until it is grown to {} partitions", topic, infos.size(), gateways,
                            GatewayOwnership.this.partitions.all().subList(infos.size(), gateways), gateways);
                }
                if (infos != null && infos.size() > gateways) {
                    log.warn("Ownership topic {} has {} partitions for {} gateways: partitions {} stand for no "
                            + "gateway and are ignored", topic, infos.size(), gateways,
                            IntStream.range(gateways, infos.size()).boxed().toList());
                }
            }
            catch (KafkaException ex) {
                log.debug("Could not count the partitions of {}: {}", topic, ex.toString());
            }
        }

        // ---- rebalance callbacks (inside poll and close, on this thread) ----------------------------------------

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> assigned) {
            // Called after every rebalance this member takes part in, with nothing new as often as not.
            if (!GatewayOwnership.this.membership.member()) {
                membership(true, "member of the group");
            }
            long now = GatewayOwnership.this.clock.millis();
            for (String id : gateways(assigned)) {
                this.book.assigned(id, now);
            }
            publish();
            openDue();
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> revoked) {
            for (String id : gateways(revoked)) {
                release(id, ReleaseReason.REVOKED, StopMode.HANDOVER);
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> lost) {
            membership(false, "dropped from the group (no heartbeat within the session timeout); rejoining");
            for (String id : gateways(lost)) {
                release(id, ReleaseReason.LOST, StopMode.SILENT);
            }
        }

        private List<String> gateways(Collection<TopicPartition> partitions) {
            return GatewayOwnership.this.partitions.connectionIds(
                    partitions.stream().map(TopicPartition::partition).toList());
        }

        // ---- transitions ---------------------------------------------------------------------------------------

        /**
         * Opens the writers that are due, and starts the supervisor of each one that opened. Only while the group
         * assigns the gateway here (as of the last poll): opening a gateway's writer fences whoever holds it, so an
         * instance must never open one the group gave to another.
         */
        private void openDue() {
            for (String id : this.book.due(GatewayOwnership.this.clock.millis())) {
                if (stopping()) {
                    return;
                }
                if (!assignedHere(id)) {
                    release(id, ReleaseReason.LOST, StopMode.SILENT);
                    continue;
                }
                if (this.book.phase(id) instanceof GatewayPhase.Fenced) {
                    this.book.stillAssignedAfterFence(id, GatewayOwnership.this.clock.millis());
                    log.warn("Ownership: gateway '{}' is still assigned to instance '{}' a session timeout after its "
                            + "writer was fenced: opening it again", id, GatewayOwnership.this.instanceId);
                }
                ReconnectBackoff backoff = this.openBackoffs.computeIfAbsent(id,
                        ignored -> ReconnectBackoff.withJitter(FIRST_RETRY, MAX_RETRY));
                try {
                    GatewayOwnership.this.writers.open(id, GatewayOwnership.this.settings.openTimeout());
                }
                catch (RuntimeException ex) {
                    Duration retryIn = backoff.next();
                    this.book.openFailed(id, GatewayOwnership.this.clock.millis(), retryIn.toMillis(),
                            ex.getMessage());
                    log.warn("Ownership: could not open the writer of gateway '{}', trying again in {} ms while it "
                            + "is assigned here: {}", id, retryIn.toMillis(), ex.getMessage());
                    publish();
                    continue;
                }
                backoff.reset();
                this.book.opened(id, GatewayOwnership.this.clock.millis());
                publish();
                try {
                    GatewayOwnership.this.supervisors.start(id);
                }
                catch (RuntimeException ex) {
                    log.error("Ownership: could not start the supervisor of gateway '{}'", id, ex);
                }
                GatewayOwnership.this.metrics.acquired(id);
                log.info("Ownership: instance '{}' acquired gateway '{}' (assigned by the group; writer open)",
                        GatewayOwnership.this.instanceId, id);
            }
        }

        private boolean assignedHere(String id) {
            String topic = GatewayOwnership.this.kafka.namespace().name(CoordinationTopic.INGESTOR_OWNERSHIP);
            return this.consumer.assignment().contains(new TopicPartition(topic,
                    GatewayOwnership.this.partitions.partition(id)));
        }

        /** Gives the gateway up: its supervisor stops as {@code mode} says, then its writer closes. */
        private void release(String id, ReleaseReason reason, StopMode mode) {
            GatewayPhase before = this.book.released(id, reason, GatewayOwnership.this.clock.millis());
            publish();
            if (before instanceof GatewayPhase.Unowned) {
                return;
            }
            stopAndClose(id, before instanceof Owned, mode);
            if (before instanceof Owned) {
                GatewayOwnership.this.metrics.released(id, reason);
                log.info("Ownership: instance '{}' released gateway '{}' ({})", GatewayOwnership.this.instanceId, id,
                        reason.tag());
            }
        }

        private void stopAndClose(String id, boolean supervisorRuns, StopMode mode) {
            try {
                if (supervisorRuns) {
                    GatewayOwnership.this.supervisors.stop(id, mode);
                }
            }
            catch (RuntimeException ex) {
                log.error("Ownership: could not stop the supervisor of gateway '{}'", id, ex);
            }
            try {
                GatewayOwnership.this.writers.close(id, GatewayOwnership.this.settings.openTimeout());
            }
            catch (RuntimeException ex) {
                log.warn("Ownership: closing the writer of gateway '{}' failed: {}", id, ex.toString());
            }
        }

        private void handleWriterLosses() {
            WriterLost lost;
            while ((lost = GatewayOwnership.this.writerLosses.poll()) != null) {
                if (GatewayOwnership.this.writers.isOpen(lost.connectionId())) {
                    // About a writer replaced since: the open one is fine.
                    continue;
                }
                ReconnectBackoff backoff = this.openBackoffs.computeIfAbsent(lost.connectionId(),
                        ignored -> ReconnectBackoff.withJitter(FIRST_RETRY, MAX_RETRY));
                GatewayPhase before = this.book.writerLost(lost.connectionId(), lost.fenced(),
                        GatewayOwnership.this.clock.millis(), lost.fenced() ? fenceRecheck().toMillis()
                                : backoff.next().toMillis(), lost.reason());
                publish();
                if (!(before instanceof Owned)) {
                    continue;
                }
                // Fenced: another instance owns it and writes for it. Failed: what was sent since is in doubt, so
                // the next open starts over with a full snapshot. Either way this supervisor says nothing more.
                stopAndClose(lost.connectionId(), true, StopMode.SILENT);
                ReleaseReason reason = lost.fenced() ? ReleaseReason.FENCED : ReleaseReason.WRITER_FAILED;
                GatewayOwnership.this.metrics.released(lost.connectionId(), reason);
                log.info("Ownership: instance '{}' released gateway '{}' ({}: {}){}",
                        GatewayOwnership.this.instanceId, lost.connectionId(), reason.tag(), lost.reason(),
                        lost.fenced() ? "; opened again only if still assigned here in " + fenceRecheck().toSeconds()
                                + " s" : "; opening it again");
            }
        }

        /**
         * How long a fenced gateway waits before it is checked: a dropped member learns it within a session timeout
         * and a heartbeat (its next heartbeat is refused), and then its poll gives the gateway up.
         */
        private Duration fenceRecheck() {
            return GatewayOwnership.this.settings.sessionTimeout().plus(GatewayOwnership.this.settings
                    .heartbeatInterval().multipliedBy(2));
        }

        /** On stop: every gateway held here is stopped as at shutdown, its writer closed. */
        private void releaseAll() {
            for (String id : this.book.held()) {
                release(id, ReleaseReason.STOPPED, StopMode.SHUTDOWN);
            }
        }

        private Duration pollTimeout() {
            long now = GatewayOwnership.this.clock.millis();
            return this.book.nextDue().stream()
                    .mapToObj(due -> Duration.ofMillis(Math.max(0, Math.min(POLL.toMillis(), due - now))))
                    .findFirst().orElse(POLL);
        }

        private void publish() {
            GatewayOwnership.this.standings = this.book.standings();
        }

        private void membership(boolean member, String why) {
            GatewayOwnership.this.membership = new Membership(member,
                    Instant.ofEpochMilli(GatewayOwnership.this.clock.millis()), why);
        }

        // ---- stop signal ---------------------------------------------------------------------------------------

        void wake() {
            this.consumer.wakeup();
        }

        /** Tells the loop to end: wakes the poll, and interrupts the provisioning (whose waits are sleeps). */
        void stop() {
            this.loop.stop();
            if (this.provisioning) {
                this.loop.interrupt();
            }
        }

        private boolean stopping() {
            return this.loop.stopping();
        }

        private void pause(Duration wait) {
            this.loop.pause(wait);
        }
    }
}

package io.crewstream.ingestor.publish;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.runtime.ReconnectBackoff;
import io.crewstream.runtime.TopicPlan;
import io.crewstream.runtime.TopicProvisioner;
import io.crewstream.schemas.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingestor's topics (the pipeline's input topics) and their provisioning through the one path every app shares
 * ({@link TopicProvisioner}): the missing ones created (unless {@code create-topics} is off, when they are only
 * checked) and the ones the projector reads together per connection checked for one partition count.
 * {@link #start()} waits for the first attempt: before the first record is sent, so that a broker that creates
 * topics on first use does not create them with its default partition count. When that attempt fails, it is retried
 * in the background with the one backoff while the gateways are connected (publishing reports itself degraded until
 * Kafka answers); each failed attempt is logged.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are called by one thread at a time (the lifecycle's); the
 * provisioning runs on the thread {@code start()} starts, which {@code stop()} interrupts and waits for.
 */
public final class InputTopics {

    private static final Logger log = LoggerFactory.getLogger(InputTopics.class);

    /** One attempt waits for Kafka this long at most; Kafka's default (60 s) would make a failure slow to report. */
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(15);

    /** Retries: from 1 s up to 30 s between attempts, as every app's provisioning. */
    private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

    private static final Duration MAX_RETRY = Duration.ofSeconds(30);

    /**
     * Written by the ingestor, keyed by connection and read together per connection by the projector: they must be
     * co-partitioned, created with {@code crewstream.kafka.partitions} (session-verifications also because its
     * markers name offsets in the same-numbered session-events partition).
     */
    static final List<Topic> JOINED = List.of(Topic.SESSION_EVENTS, Topic.CONNECTION_STATUS, Topic.RUN_EVENTS,
            Topic.AGENT_LISTS, Topic.SESSION_VERIFICATIONS);

    /**
     * Read by the ingestor (the projector's snapshot requests); the projector, which writes it, creates it too,
     * whichever starts first.
     */
    static final List<Topic> READ = List.of(Topic.SNAPSHOT_REQUESTS);

    /** Written by the ingestor and read alone: created with {@code crewstream.ingestor.kafka.raw-frames-partitions}. */
    static final List<Topic> RAW = List.of(Topic.RAW_FRAMES);

    private final KafkaSettings kafka;
    private final IngestorProperties.Kafka own;

    private Thread provisioning;

    public InputTopics(KafkaSettings kafka, IngestorProperties.Kafka own) {
        this.kafka = kafka;
        this.own = own;
    }

    /** What the ingestor provisions under these settings. */
    static TopicPlan plan(KafkaSettings kafka, IngestorProperties.Kafka own) {
        TopicPlan plan = TopicPlan.empty().withCoPartitioned(kafka.partitions(), JOINED)
                .with(own.rawFramesPartitions(), RAW).with(kafka.partitions(), READ);
        return own.createTopics() ? plan : plan.checkOnly();
    }

    /** Starts provisioning; returns when the first attempt has succeeded or failed. */
    public void start() {
        if (this.provisioning != null) {
            return;
        }
        TopicProvisioner provisioner = new TopicProvisioner(this.kafka, "ingestor", ATTEMPT_TIMEOUT);
        TopicPlan plan = plan(this.kafka, this.own);
        CountDownLatch firstAttempt = new CountDownLatch(1);
        this.provisioning = new Thread(() -> {
            try {
                provisioner.provision(plan, ReconnectBackoff.withJitter(FIRST_RETRY, MAX_RETRY),
                        (attempt, retryIn, reason) -> firstAttempt.countDown());
            }
            catch (InterruptedException ex) {
                log.info("Stopped provisioning the ingestor's topics");
            }
            catch (TopicProvisioner.NotCoPartitionedException ex) {
                // Already logged by the provisioner. Not fatal: the gateways stay connected and publishing goes on.
                log.error("The projector cannot join a connection's sessions with its status, runs and agents until "
                        + "the topics {} have one partition count", JOINED.stream().map(this.kafka.namespace()::name)
                                .toList());
            }
            finally {
                firstAttempt.countDown();
            }
        }, "ingestor-topics");
        // Never keeps the JVM alive on its own: stop() ends it, and so does the JVM's exit.
        this.provisioning.setDaemon(true);
        this.provisioning.start();
        try {
            // An attempt creates, then checks: each step waits for Kafka at most the attempt timeout.
            firstAttempt.await(2 * ATTEMPT_TIMEOUT.toMillis() + 1_000, TimeUnit.MILLISECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the provisioning if it still runs, and waits for its thread. */
    public void stop() {
        Thread provisioning = this.provisioning;
        this.provisioning = null;
        if (provisioning == null) {
            return;
        }
        provisioning.interrupt();
        try {
            provisioning.join(ATTEMPT_TIMEOUT.toMillis());
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}

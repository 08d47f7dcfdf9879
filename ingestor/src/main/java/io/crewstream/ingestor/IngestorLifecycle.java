package io.crewstream.ingestor;

import java.time.Duration;
import java.util.function.Consumer;

import io.crewstream.ingestor.publish.GatewayWriters.WriterUnavailableException;
import io.crewstream.ingestor.publish.InputTopics;
import io.crewstream.ingestor.publish.PublishHealth;
import io.crewstream.ingestor.publish.RecordSender;
import io.crewstream.ingestor.requests.SnapshotRequestListener;
import io.crewstream.ingestor.upstream.UpstreamSupervisor;
import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import io.crewstream.schemas.records.KafkaOutage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the ingestor once the context is ready: the Kafka publisher and the provisioning of the output topics (in
 * the background: an unreachable Kafka must not keep the gateways from being connected) first, then the gateways'
 * writers (until ownership decides which gateways this instance writes for: every one), then one supervisor
 * per upstream, then the listener for the projector's snapshot requests (which it hands to the supervisors). Stops
 * the listener, then the supervisors (each reports {@code disconnected}) before the producer is closed (when the
 * context destroys the {@link RecordSender}), so that the last status reaches Kafka.
 *
 * <p>Threading: Spring calls {@link #start()} and {@link #stop()} one at a time, but not always on the same thread
 * (a shutdown hook stops what the main thread started), and {@link #isRunning()} from either; {@code running} is
 * volatile so that each sees the last change. The recovery listener runs on a Kafka thread and only hands work to
 * the supervisors, which are thread-safe.
 */
final class IngestorLifecycle implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(IngestorLifecycle.class);

    private final RecordSender sender;
    private final InputTopics topics;
    private final UpstreamSupervisors supervisors;
    private final PublishHealth publishHealth;
    private final SnapshotRequestListener snapshotRequests;
    private final Consumer<KafkaOutage> recoveryListener;
    private final Duration openTimeout;
    private volatile boolean running;

    IngestorLifecycle(RecordSender sender, InputTopics topics, UpstreamSupervisors supervisors,
            PublishHealth publishHealth, SnapshotRequestListener snapshotRequests, Duration openTimeout) {
        this.openTimeout = openTimeout;
        this.sender = sender;
        this.topics = topics;
        this.supervisors = supervisors;
        this.publishHealth = publishHealth;
        this.snapshotRequests = snapshotRequests;
        this.recoveryListener = supervisors::publishRecovered;
    }

    @Override
    public void start() {
        this.sender.start();
        this.topics.start();
        this.publishHealth.onRecovery(this.recoveryListener);
        openEveryWriter();
        this.supervisors.start();
        this.snapshotRequests.start();
        this.running = true;
    }

    // until ownership: opens every gateway
    private void openEveryWriter() {
        for (UpstreamSupervisor supervisor : this.supervisors.all()) {
            try {
                this.sender.open(supervisor.connectionId(), this.openTimeout);
            }
            catch (WriterUnavailableException ex) {
                log.error("[{}] Cannot write for the gateway: {}. Its records are refused until the ingestor is "
                        + "restarted", supervisor.connectionId(), ex.getMessage());
            }
        }
    }

    @Override
    public void stop() {
        // Registered again by the next start: a restart must not re-snapshot twice per recovery.
        this.publishHealth.removeRecoveryListener(this.recoveryListener);
        this.snapshotRequests.stop();
        this.supervisors.stop();
        this.topics.stop();
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }
}

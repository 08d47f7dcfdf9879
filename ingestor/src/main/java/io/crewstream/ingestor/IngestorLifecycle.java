package io.crewstream.ingestor;

import java.util.function.Consumer;

import io.crewstream.ingestor.ownership.GatewayOwnership;
import io.crewstream.ingestor.publish.InputTopics;
import io.crewstream.ingestor.publish.PublishHealth;
import io.crewstream.ingestor.publish.RecordSender;
import io.crewstream.ingestor.requests.SnapshotRequestListener;
import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import io.crewstream.schemas.records.KafkaOutage;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the ingestor once the context is ready: the Kafka publisher and the provisioning of the output topics (in
 * the background) first, then the ownership, which joins the ingestors' group and starts the supervisor of each
 * gateway assigned here (no gateway is connected before Kafka has assigned it here and made this instance its only
 * writer: connecting without Kafka would be the split brain ownership prevents, so an instance that cannot reach
 * Kafka at start connects once it can), then the listener for
 * the projector's snapshot requests (which it hands to the supervisors of the gateways owned here). Stops the
 * listener, then the ownership (each owned gateway reports {@code disconnected}/{@code stopped} and its writer
 * closes; then it leaves the group, so that the other instances take the gateways over at once) before the producer
 * is closed (when the context destroys the {@link RecordSender}), so that the last status reaches Kafka.
 *
 * <p>Threading: Spring calls {@link #start()} and {@link #stop()} one at a time, but not always on the same thread
 * (a shutdown hook stops what the main thread started), and {@link #isRunning()} from either; {@code running} is
 * volatile so that each sees the last change. The recovery listener runs on a Kafka thread and only hands work to
 * the supervisors, which are thread-safe.
 */
final class IngestorLifecycle implements SmartLifecycle {

    private final RecordSender sender;
    private final InputTopics topics;
    private final UpstreamSupervisors supervisors;
    private final GatewayOwnership ownership;
    private final PublishHealth publishHealth;
    private final SnapshotRequestListener snapshotRequests;
    private final Consumer<KafkaOutage> recoveryListener;
    private volatile boolean running;

    IngestorLifecycle(RecordSender sender, InputTopics topics, UpstreamSupervisors supervisors,
            GatewayOwnership ownership, PublishHealth publishHealth, SnapshotRequestListener snapshotRequests) {
        this.sender = sender;
        this.topics = topics;
        this.supervisors = supervisors;
        this.ownership = ownership;
        this.publishHealth = publishHealth;
        this.snapshotRequests = snapshotRequests;
        this.recoveryListener = supervisors::publishRecovered;
    }

    @Override
    public void start() {
        this.sender.start();
        this.topics.start();
        this.publishHealth.onRecovery(this.recoveryListener);
        this.ownership.start();
        this.snapshotRequests.start();
        this.running = true;
    }

    @Override
    public void stop() {
        // Registered again by the next start: a restart must not re-snapshot twice per recovery.
        this.publishHealth.removeRecoveryListener(this.recoveryListener);
        this.snapshotRequests.stop();
        this.ownership.stop();
        this.topics.stop();
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }
}

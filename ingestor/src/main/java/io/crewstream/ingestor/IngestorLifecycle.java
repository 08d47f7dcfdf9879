package io.crewstream.ingestor;

import io.crewstream.ingestor.publish.InputTopics;
import io.crewstream.ingestor.publish.PublishHealth;
import io.crewstream.ingestor.upstream.UpstreamSupervisors;
import org.springframework.context.SmartLifecycle;

/**
 * Starts the ingestor once the context is ready: output topics first, then one supervisor per upstream. Stops the
 * supervisors (each reports {@code disconnected}) before the producer is closed, so that the last status reaches
 * Kafka.
 */
final class IngestorLifecycle implements SmartLifecycle {

    private final InputTopics topics;
    private final UpstreamSupervisors supervisors;
    private final PublishHealth publishHealth;
    private volatile boolean running;

    IngestorLifecycle(InputTopics topics, UpstreamSupervisors supervisors, PublishHealth publishHealth) {
        this.topics = topics;
        this.supervisors = supervisors;
        this.publishHealth = publishHealth;
    }

    @Override
    public void start() {
        this.topics.ensureExist();
        this.publishHealth.onRecovery(this.supervisors::publishRecovered);
        this.supervisors.start();
        this.running = true;
    }

    @Override
    public void stop() {
        this.supervisors.stop();
        this.running = false;
    }

    @Override
    public boolean isRunning() {
        return this.running;
    }
}

package io.crewstream.ssegateway.stream;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.crewstream.ssegateway.state.Freshness;
import io.crewstream.ssegateway.state.PipelineView;
import io.crewstream.ssegateway.state.ReaderProgress;
import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.state.TableReader;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Checks, every {@link #CHECK_INTERVAL}, whether the table is being kept up to date ({@link Freshness}), and when that
 * changes tells every client ({@code pipeline-status}, or a {@code gateway-status} with {@code pausedSince}), sets the
 * table's {@link PipelineView} (which refreshes, {@code /api/gateways} and readiness read) and logs it. Without it a
 * broker outage left every browser showing "Live" and every gateway "connected", with nothing flowing.
 *
 * <p>Lifecycle: the reader's phase; since it depends on the reader, Spring starts it after the reader and stops it
 * before (a reader stopped on purpose is not an outage to report). It judges nothing until the table is loaded.
 *
 * <p>Threading: {@link #start()} starts one thread that runs the checks; each check takes the table's lock for as
 * long as it compares and posts, so its frames are ordered with the table's changes. {@link #stop()} ends it.
 * Meters are registered on the first {@link #start()} and read from any thread.
 */
public final class PipelineWatch implements SmartLifecycle {

    private static final Logger logger = LoggerFactory.getLogger(PipelineWatch.class);

    static final Duration CHECK_INTERVAL = Duration.ofMillis(500);

    private final SessionTable table;

    private final TableReader reader;

    private final ClientRegistry registry;

    private final Freshness freshness;

    private final Clock clock;

    private final MeterRegistry meters;

    private final Object lifecycle = new Object();

    private ScheduledExecutorService executor;

    private boolean metersRegistered;

    public PipelineWatch(SessionTable table, TableReader reader, ClientRegistry registry, Freshness freshness,
            Clock clock, MeterRegistry meters) {
        this.table = table;
        this.reader = reader;
        this.registry = registry;
        this.freshness = freshness;
        this.clock = clock;
        this.meters = meters;
    }

    @Override
    public void start() {
        synchronized (this.lifecycle) {
            if (this.executor != null) {
                return;
            }
            if (!this.metersRegistered) {
                this.metersRegistered = true;
                Gauge.builder("crewstream.sse.pipeline.paused", this.table, table -> table.pipeline().status()
                        .paused() ? 1 : 0)
                        .description("1 while this gateway cannot vouch that its view is up to date, else 0")
                        .register(this.meters);
                Gauge.builder("crewstream.sse.gateways.paused", this.table,
                        table -> table.pipeline().pausedGateways().size())
                        .description("Gateway connections whose status stopped arriving")
                        .register(this.meters);
            }
            this.executor = Executors.newSingleThreadScheduledExecutor(
                    new CustomizableThreadFactory("sse-pipeline-watch-"));
            this.executor.scheduleWithFixedDelay(this::checkGuarded, CHECK_INTERVAL.toMillis(),
                    CHECK_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void stop() {
        ScheduledExecutorService running;
        synchronized (this.lifecycle) {
            running = this.executor;
            this.executor = null;
        }
        if (running == null) {
            return;
        }
        running.shutdownNow();
        try {
            running.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        synchronized (this.lifecycle) {
            return this.executor != null;
        }
    }

    /** One check; public so that a test can run it without waiting for the schedule. */
    public void check() {
        ReaderProgress progress = this.reader.progress();
        long now = this.clock.millis();
        this.table.atomically(table -> {
            if (!table.loaded()) {
                // No client is served before the table is loaded (readiness says why): nothing to judge yet.
                return null;
            }
            PipelineView previous = table.pipeline();
            PipelineView next = this.freshness.next(previous, now, progress, table.connectionsReceived());
            if (next != previous) {
                table.pipeline(next);
                this.registry.pipelineChanged(previous, next, table);
                log(previous, next, now);
            }
            return null;
        });
    }

    private void checkGuarded() {
        try {
            check();
        }
        catch (RuntimeException ex) {
            // A scheduled task that throws is never run again: the watch must outlive a bug in one check.
            logger.error("Pipeline check failed; checking again in {} ms", CHECK_INTERVAL.toMillis(), ex);
        }
    }

    private static void log(PipelineView previous, PipelineView next, long now) {
        if (!previous.status().equals(next.status())) {
            if (next.status().paused()) {
                logger.warn("Live data paused ({}): {}; clients are told and shown the last known state",
                        next.status().reasonCode(), next.status().reason());
            }
            else {
                logger.info("Live again after {} ms paused", now - previous.status().since());
            }
        }
        for (Map.Entry<String, Long> paused : next.pausedGateways().entrySet()) {
            if (!previous.pausedGateways().containsKey(paused.getKey())) {
                logger.warn("[{}] No status from the pipeline for this gateway for longer than it promised (last word "
                        + "at {}); shown as paused", paused.getKey(), Instant.ofEpochMilli(paused.getValue()));
            }
        }
        for (String id : previous.pausedGateways().keySet()) {
            if (!next.pausedGateways().containsKey(id)) {
                logger.info("[{}] Status arriving again", id);
            }
        }
    }
}

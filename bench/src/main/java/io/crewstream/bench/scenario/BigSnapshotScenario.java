package io.crewstream.bench.scenario;

import java.time.Duration;

import io.crewstream.bench.Options;
import io.crewstream.bench.client.SessionView;
import io.crewstream.bench.load.TopicTap;
import io.crewstream.bench.report.Report;
import io.crewstream.schemas.Topic;

/**
 * Big snapshot: an upstream gateway with {@code sessions} sessions becomes reachable while the pipeline runs and a
 * client is connected; timed until the client shows every session (upstream listing → chunked snapshot → projector
 * → table → gateway → client), from the moment the ingestor's connection is authenticated and from the moment the
 * upstream starts accepting connections (which adds the ingestor's reconnect backoff).
 */
public final class BigSnapshotScenario implements Scenario {

    @Override
    public void run(BenchContext context, Options options) throws Exception {
        int sessions = options.integer("sessions", 10_000);
        Report report = new Report(options.text("name", "big-snapshot"), options.asMap());
        try (Pipeline pipeline = Pipeline.create(context)) {
            long seedStart = System.nanoTime();
            pipeline.seed(sessions, options.integer("row-bytes", 2000));
            report.note("seeded " + sessions + " upstream sessions in "
                    + Duration.ofNanos(System.nanoTime() - seedStart).toMillis() + " ms");
            pipeline.simulator().faults().refuseConnections();
            int queue = options.integer("client-queue-size", 0);
            pipeline.start(context, options.text("gateway-heap", "1g"), (queue > 0)
                    ? new String[] { "--crewstream.sse.client-queue-size=" + queue } : new String[0]);
            SessionView view = SessionView.open(pipeline.events());
            Pipeline.await(view::refreshed, Duration.ofMinutes(1));
            // Stage ends: when the last snapshot chunk was written, and when the last row was committed.
            String bootstrap = context.broker().bootstrapServers();
            TopicTap published = new TopicTap(bootstrap, pipeline.namespace().name(Topic.SESSION_EVENTS), false);
            TopicTap projected = new TopicTap(bootstrap, pipeline.namespace().name(Topic.SESSION_STATE), true);
            published.start();
            projected.start();
            published.awaitAssigned();
            projected.awaitAssigned();
            published.record();
            projected.record();
            long accepting = System.nanoTime();
            pipeline.simulator().faults().acceptConnections();
            Pipeline.await(() -> pipeline.simulator().authenticatedConnections() > 0, Duration.ofMinutes(2));
            long authenticated = System.nanoTime();
            Pipeline.await(() -> view.size() >= sessions, Duration.ofMinutes(5));
            long shown = System.nanoTime();
            double fromAuth = (shown - authenticated) / 1e9;
            double fromAccept = (shown - accepting) / 1e9;
            report.figure(sessions + " sessions: ingestor authenticated -> all on the client",
                    String.format("%.2f s", fromAuth), "<= 2 s", fromAuth <= 2);
            report.figure("upstream accepting -> all on the client (incl. reconnect backoff)",
                    String.format("%.2f s", fromAccept), "-", null);
            Pipeline.await(() -> projected.records() >= sessions, Duration.ofMinutes(1));
            double ingestor = (published.lastRecordNanos() - authenticated) / 1e9;
            double projector = (projected.lastRecordNanos() - published.lastRecordNanos()) / 1e9;
            double gateway = (shown - projected.lastRecordNanos()) / 1e9;
            report.figure("stages: ingestor lists and publishes / projector commits / gateway -> client",
                    String.format("%.2f / %.2f / %.2f s (%d records on session-events, %d on session-state)",
                            ingestor, projector, gateway, published.records(), projected.records()), "-", null);
            published.stop();
            projected.stop();
            report.details().put("sessions", sessions);
            report.details().put("clientReconnects", view.reconnects());
            report.details().put("fromAuthenticatedSeconds", fromAuth);
            report.details().put("fromAcceptingSeconds", fromAccept);
            pipeline.memory(report.details().putObject("memory"));
        }
        report.save(context.results());
    }
}

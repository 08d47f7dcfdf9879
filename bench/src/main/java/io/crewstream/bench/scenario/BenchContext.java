package io.crewstream.bench.scenario;

import java.nio.file.Path;

import io.crewstream.bench.Options;
import io.crewstream.bench.process.Services;
import io.crewstream.schemas.TopicNamespace;
import io.crewstream.testsupport.kafka.KafkaBroker;
import io.crewstream.testsupport.kafka.KafkaBrokers;

/**
 * What every scenario shares: the repository (to find the services' builds), where results and process logs go, and
 * one real Kafka broker for the run (in this process unless {@code KAFKA_BOOTSTRAP_SERVERS} names a cluster).
 * Not thread-safe; closed by {@link io.crewstream.bench.BenchMain}.
 */
public final class BenchContext implements AutoCloseable {

    private final Path repository;

    private final Path results;

    private final Path logs;

    private KafkaBroker broker;

    public BenchContext(Options options) {
        this.repository = Path.of(options.text("repo", ".")).toAbsolutePath().normalize();
        this.results = this.repository.resolve(options.text("results", "bench/results"));
        this.logs = this.repository.resolve("bench/target/bench-logs");
    }

    public KafkaBroker broker() {
        if (this.broker == null) {
            this.broker = KafkaBrokers.start();
            System.out.println("[bench] " + this.broker.describe());
        }
        return this.broker;
    }

    public TopicNamespace namespace(String hint) {
        return new TopicNamespace(broker().uniquePrefix(hint));
    }

    public Services services() {
        return new Services(this.repository, this.logs);
    }

    public Path repository() {
        return this.repository;
    }

    public Path results() {
        return this.results;
    }

    public Path logs() {
        return this.logs;
    }

    @Override
    public void close() throws Exception {
        if (this.broker != null) {
            this.broker.close();
        }
    }
}

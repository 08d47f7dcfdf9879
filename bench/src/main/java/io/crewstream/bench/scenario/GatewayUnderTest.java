package io.crewstream.bench.scenario;

import java.net.URI;
import java.time.Duration;
import java.util.List;

import io.crewstream.bench.process.JavaProcess;
import io.crewstream.bench.process.ProcessStats;
import io.crewstream.bench.process.Services;

/** An SSE gateway process on a port of its own, with what the scenarios read from it. */
final class GatewayUnderTest implements AutoCloseable {

    private final JavaProcess process;

    private final int port;

    private GatewayUnderTest(JavaProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts a gateway on the tables under {@code prefix} and waits until it reports ready (table loaded). */
    static GatewayUnderTest start(BenchContext context, String prefix, String heap, String... extraProperties) {
        return start(context, prefix, List.of("-Xmx" + heap, "-Xms" + heap), extraProperties);
    }

    /** As above, with the gateway JVM's options given in full. */
    static GatewayUnderTest start(BenchContext context, String prefix, List<String> jvmOptions,
            String... extraProperties) {
        return start(context, "sse-gateway", 0, context.broker().bootstrapServers(), prefix, jvmOptions,
                extraProperties);
    }

    /** As above, named, on {@code port} (0: a free one), reading from {@code bootstrapServers}. */
    static GatewayUnderTest start(BenchContext context, String name, int port, String bootstrapServers,
            String prefix, List<String> jvmOptions, String... extraProperties) {
        for (int attempt = 1;; attempt++) {
            int listen = (port == 0) ? Services.freePort() : port;
            JavaProcess process = context.services().gateway(name, listen, bootstrapServers, prefix, jvmOptions,
                    extraProperties);
            GatewayUnderTest gateway = new GatewayUnderTest(process, listen);
            try {
                Services.awaitOk(gateway.uri("/actuator/health/readiness"), Duration.ofMinutes(1));
                return gateway;
            }
            catch (IllegalStateException ex) {
                gateway.close();
                // The gateway's table reader gives up for good when its first metadata fetch takes longer than 1 s
                // (a busy machine); a fresh instance is what an orchestrator would start too.
                if (attempt == 3) {
                    throw ex;
                }
                System.out.println("[bench] gateway not ready within a minute (attempt " + attempt
                        + "); starting a fresh one");
            }
        }
    }

    URI uri(String path) {
        return URI.create("http://127.0.0.1:" + this.port + path);
    }

    URI events() {
        return uri("/api/events");
    }

    long pid() {
        return this.process.pid();
    }

    long rssKb() {
        return ProcessStats.rssKb(this.process.pid());
    }

    double cpuSeconds() {
        return ProcessStats.cpuSeconds(this.process.pid());
    }

    /** {@code kill -9}. */
    void kill() {
        this.process.kill();
    }

    @Override
    public void close() {
        this.process.close();
    }
}

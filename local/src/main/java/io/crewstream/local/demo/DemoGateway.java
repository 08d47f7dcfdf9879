package io.crewstream.local.demo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

import io.crewstream.sim.control.ChurnGenerator;
import io.crewstream.sim.control.ChurnPlan;
import io.crewstream.sim.run.ActivityPlan;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.sim.session.AgentCatalog;

/**
 * The gateway behind {@code --demo}: an {@link OpenClawSimulator} on a free loopback port whose sessions keep
 * changing ({@link ChurnGenerator}) and whose agents keep running (random runs with tool calls, some failing:
 * {@link #RUNS_PER_MINUTE}), so the dashboard is alive with no OpenClaw installed. Its token is random per
 * run and handed to the ingestor through a file only the current user can read.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are called by one thread; the simulator and the churn run on
 * their own threads.
 */
public final class DemoGateway {

    /** Connection id of the demo gateway in Kafka, metrics and the dashboard. */
    public static final String CONNECTION_ID = "demo";

    /**
     * Agent runs the demo gateway starts per minute, over all its sessions: a run lasts from well under a second to
     * about fifteen, so a few agents are busy at any moment and the others idle, and every kind of error shows up
     * within minutes.
     */
    public static final int RUNS_PER_MINUTE = 30;

    private final ChurnPlan plan;
    private final int agents;
    private final Path tokenFile;

    private OpenClawSimulator simulator;
    private ChurnGenerator churn;

    /**
     * @param plan how many sessions and how many changes per second
     * @param agents sessions are spread over this many agents
     * @param tokenFile where the generated token is written for the ingestor
     */
    public DemoGateway(ChurnPlan plan, int agents, Path tokenFile) {
        this.plan = plan;
        this.agents = agents;
        this.tokenFile = tokenFile;
    }

    public void start() {
        if (this.simulator != null) {
            return;
        }
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        String token = HexFormat.of().formatHex(secret);
        writeTokenFile(token);
        OpenClawSimulator simulator = new OpenClawSimulator(
                SimulatorConfig.defaults(token).withAgents(AgentCatalog.ofCount(this.agents))
                        .withActivity(new ActivityPlan(RUNS_PER_MINUTE, System.nanoTime())));
        simulator.start();
        ChurnGenerator churn = new ChurnGenerator(simulator.sessions(), this.plan, System.nanoTime(), true);
        churn.start();
        this.simulator = simulator;
        this.churn = churn;
    }

    public void stop() {
        if (this.simulator == null) {
            return;
        }
        this.churn.stop();
        this.simulator.stop();
        this.churn = null;
        this.simulator = null;
        try {
            Files.deleteIfExists(this.tokenFile);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot delete the demo token file " + this.tokenFile, ex);
        }
    }

    public URI url() {
        return running().url();
    }

    public Path tokenFile() {
        return this.tokenFile;
    }

    public ChurnPlan plan() {
        return this.plan;
    }

    /** The simulator itself, for tests that break it on purpose. */
    public OpenClawSimulator simulator() {
        return running();
    }

    private OpenClawSimulator running() {
        if (this.simulator == null) {
            throw new IllegalStateException("demo gateway not started");
        }
        return this.simulator;
    }

    private void writeTokenFile(String token) {
        try {
            Files.createDirectories(this.tokenFile.toAbsolutePath().getParent());
            Files.deleteIfExists(this.tokenFile);
            try {
                Files.createFile(this.tokenFile,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            catch (UnsupportedOperationException ex) {
                // Not a POSIX file system (Windows): the user's profile folder protects it.
                Files.createFile(this.tokenFile);
            }
            Files.writeString(this.tokenFile, token, StandardCharsets.UTF_8);
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot write the demo token file " + this.tokenFile, ex);
        }
    }
}

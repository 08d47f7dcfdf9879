package io.crewstream.sim;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

import io.crewstream.sim.control.ChurnGenerator;
import io.crewstream.sim.control.ChurnPlan;
import io.crewstream.sim.server.OpenClawSimulator;

/**
 * Runs a simulated OpenClaw gateway until the process is stopped (Ctrl-C). Exit code 2 on bad arguments, 1 when the
 * gateway cannot start. See {@link SimulatorOptions#USAGE} and the module README.
 *
 * <p>Threading: the main thread starts everything and then waits for the shutdown hook, which stops the control port,
 * the churn and the simulator in that order.
 */
public final class SimulatorMain {

    static final int EXIT_BAD_ARGUMENTS = 2;
    static final int EXIT_CANNOT_START = 1;

    private SimulatorMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        int exit = run(args, System.getenv("OPENCLAW_SIM_TOKEN"), System.out, System.err, new CountDownLatch(1));
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /**
     * @param stopped counted down to stop; the JVM's shutdown hook does it for {@link #main}
     * @return the exit code
     */
    static int run(String[] args, String tokenFromEnvironment, PrintStream out, PrintStream err,
            CountDownLatch stopped) throws InterruptedException {
        SimulatorOptions options;
        try {
            options = SimulatorOptions.parse(args, tokenFromEnvironment);
        } catch (IllegalArgumentException ex) {
            err.println("openclaw-sim: " + ex.getMessage());
            err.println(SimulatorOptions.USAGE);
            return EXIT_BAD_ARGUMENTS;
        }
        if (options.help()) {
            out.println(SimulatorOptions.USAGE);
            return 0;
        }
        OpenClawSimulator simulator = new OpenClawSimulator(options.config());
        ChurnPlan plan = options.churnPlan();
        ChurnGenerator churn = plan == null ? null : new ChurnGenerator(simulator.sessions(), plan, 42,
                options.config().activity().enabled());
        ControlHttpServer control = options.controlPort() < 0 ? null
                : new ControlHttpServer(simulator, churn, options.controlPort());
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopped.countDown();
            awaitQuietly(done);
        }, "openclaw-sim-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            simulator.start();
            if (churn != null) {
                churn.start();
            }
            if (control != null) {
                control.start();
            }
        } catch (IOException | RuntimeException ex) {
            err.println("openclaw-sim: cannot start: " + ex.getMessage());
            stopAll(control, churn, simulator);
            Runtime.getRuntime().removeShutdownHook(hook);
            return EXIT_CANNOT_START;
        }
        out.println("openclaw-sim: gateway on " + simulator.url()
                + (control == null ? "" : ", control on http://127.0.0.1:" + control.boundPort() + "/")
                + " (Ctrl-C to stop)");
        stopped.await();
        stopAll(control, churn, simulator);
        done.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // Stopped by the hook itself: the JVM is exiting anyway.
        }
        return 0;
    }

    private static void stopAll(ControlHttpServer control, ChurnGenerator churn, OpenClawSimulator simulator) {
        if (control != null) {
            control.stop();
        }
        if (churn != null) {
            churn.stop();
        }
        simulator.stop();
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}

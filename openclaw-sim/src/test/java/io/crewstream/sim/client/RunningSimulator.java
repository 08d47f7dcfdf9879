package io.crewstream.sim.client;

import java.util.ArrayList;
import java.util.List;

import tools.jackson.databind.node.ObjectNode;

import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;

/**
 * A simulator started by a test and the sockets the test opened to it, closed together by {@link #close()}.
 * Not thread-safe: one test thread uses it.
 */
public final class RunningSimulator implements AutoCloseable {

    private final List<GatewayTestClient> clients = new ArrayList<>();
    private OpenClawSimulator simulator;

    public OpenClawSimulator start(SimulatorConfig config) {
        simulator = new OpenClawSimulator(config);
        simulator.start();
        return simulator;
    }

    public OpenClawSimulator simulator() {
        return simulator;
    }

    /** Connects and completes the handshake; the socket is closed by {@link #close()}. */
    public GatewayTestClient connect(ObjectNode connectParams) {
        GatewayTestClient client = GatewayTestClient.connected(simulator.url(), connectParams);
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        clients.forEach(GatewayTestClient::close);
        if (simulator != null) {
            simulator.stop();
        }
    }
}

package io.crewstream.sim.conformance;

import java.net.URI;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.crewstream.sim.client.GatewayTestClient;
import io.crewstream.sim.run.ErrorKind;
import io.crewstream.sim.server.OpenClawSimulator;
import io.crewstream.sim.server.SimulatorConfig;
import io.crewstream.sim.session.Agent;

/** The conformance suite against the simulator: runs in every build. */
class SimulatorConformanceTest extends GatewayConformanceSuite {

    private static final String TOKEN = "conformance-token";
    private static OpenClawSimulator simulator;

    @BeforeAll
    static void startSimulator() {
        simulator = new OpenClawSimulator(SimulatorConfig.defaults(TOKEN));
        simulator.start();
    }

    @AfterAll
    static void stopSimulator() {
        simulator.stop();
    }

    /** The simulator has no chat.send; the API fails a run the way a provider-less gateway does. */
    @Override
    protected void runThatFails(GatewayTestClient writer, String key) {
        simulator.runs().start(key).fail(ErrorKind.UNKNOWN,
                "No route-compatible authentication source is configured for openai.");
    }

    @Override
    protected String addAgent(GatewayTestClient admin, String name) {
        simulator.addAgent(new Agent(name, name, "openai", "gpt-6-astra"));
        return name;
    }

    @Override
    protected void removeAgent(GatewayTestClient admin, String agentId) {
        simulator.removeAgent(agentId);
    }

    @Override
    protected URI gatewayUrl() {
        return simulator.url();
    }

    @Override
    protected String gatewayToken() {
        return TOKEN;
    }
}

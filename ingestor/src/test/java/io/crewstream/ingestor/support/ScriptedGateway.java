package io.crewstream.ingestor.support;

import java.net.URI;
import java.util.List;
import java.util.function.Function;

import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A gateway that answers {@code connect} with whatever a test scripts: for handshake outcomes the simulator does not
 * offer (a protocol other than 4, scopes without {@code operator.read}, a failing {@code agents.list}, broken event
 * payloads). Sends the challenge on open, then answers every request through {@code answer} (given the request's id,
 * returning the response frame), or, made with {@link #answering}, with the frames a function of the whole request
 * returns (its response and any events to send after it), in order.
 *
 * <p>Threading: Jetty calls the endpoint one frame at a time per socket; the endpoint keeps no state.
 */
public final class ScriptedGateway implements AutoCloseable {

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(this.server);

    public ScriptedGateway(Function<String, String> answer) {
        this((Script) request -> List.of(answer.apply(request.path("id").asString())));
    }

    private ScriptedGateway(Script answer) {
        this.connector.setHost("127.0.0.1");
        this.server.addConnector(this.connector);
        this.server.setHandler(WebSocketUpgradeHandler.from(this.server,
                container -> container.addMapping("/*", (request, response, callback) -> new Endpoint(answer))));
    }

    /** A gateway that sends, for each request, the frames {@code framesFor} returns for it. */
    public static ScriptedGateway answering(Script framesFor) {
        return new ScriptedGateway(framesFor);
    }

    /** What the gateway sends in reply to one request. */
    @FunctionalInterface
    public interface Script {
        List<String> framesFor(JsonNode request);
    }

    public ScriptedGateway start() throws Exception {
        this.server.start();
        return this;
    }

    public URI url() {
        return URI.create("ws://127.0.0.1:" + this.connector.getLocalPort());
    }

    @Override
    public void close() throws Exception {
        this.server.stop();
    }

    /** Public for Jetty's method handles only. */
    public static final class Endpoint implements Session.Listener.AutoDemanding {

        private final Script answer;
        private Session session;

        Endpoint(Script answer) {
            this.answer = answer;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            this.session = session;
            session.sendText("{\"type\":\"event\",\"event\":\"connect.challenge\",\"payload\":{\"nonce\":\"n\",\"ts\":1}}",
                    Callback.NOOP);
        }

        @Override
        public void onWebSocketText(String text) {
            for (String frame : this.answer.framesFor(JsonMapper.shared().readTree(text))) {
                this.session.sendText(frame, Callback.NOOP);
            }
        }
    }
}

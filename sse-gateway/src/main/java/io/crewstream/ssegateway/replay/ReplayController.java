package io.crewstream.ssegateway.replay;

import java.time.Clock;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Supplier;

import io.crewstream.replay.Replay;
import io.crewstream.replay.ReplayException;
import io.crewstream.replay.table.ConnectionTableAt;
import io.crewstream.schemas.Topic;
import io.crewstream.ssegateway.api.ApiErrors;
import io.crewstream.ssegateway.api.InvalidRequestException;
import io.crewstream.ssegateway.api.QueryParameters;
import io.crewstream.ssegateway.api.ScopeRefusals;
import io.crewstream.ssegateway.security.GatewayScope;
import io.crewstream.ssegateway.security.Viewer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import org.springframework.http.CacheControl;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The replay page's API, {@code /api/replay/*}: the gateways, the time span one of them can be replayed over, its
 * table as of an instant, the change before or after an instant, and the raw frames of a span. Every answer is read
 * from Kafka on demand by the replay engine (seek by time, the connection's own partitions, the nearest snapshot),
 * never from the in-memory table the live API serves, so the page can show any instant the topics still hold.
 * Behind the same authentication as the rest of {@code /api/**}, and narrowed to the caller's {@link Viewer#scope()}:
 * the connections list shows only the gateways it may see, and a question about any other is a 403
 * {@code out_of_scope} ({@link ScopeRefusals}), asked before Kafka is (so it is the same whether or not that gateway
 * exists).
 *
 * <p>Refusals use the API's error body ({@link ApiErrors}) with the engine's message, written for people: a bad time
 * or range is a 400, an unknown connection a 404 (listing the known ones), a time lost to retention a 410 (giving the
 * earliest available), Kafka unreachable or a topic missing a 503. Requests block, so they run on the API's handler
 * pool ({@code BlockingHandlers}), never on an event loop; at most {@link ReplayGate#DEFAULT_PERMITS} at once.
 */
@RestController
@RequestMapping("/api/replay")
public class ReplayController {

    static final int DEFAULT_FRAMES = 50;

    static final int MAX_FRAMES = 500;

    static final int MAX_FIELDS = 50;

    private static final Logger logger = LoggerFactory.getLogger(ReplayController.class);

    private final Replay replay;

    private final ChangeStepper stepper;

    private final ReplayGate gate;

    private final Clock clock;

    public ReplayController(Replay replay, ChangeStepper stepper, ReplayGate gate, Clock clock) {
        this.replay = replay;
        this.stepper = stepper;
        this.gate = gate;
        this.clock = clock;
    }

    /** {@code {"connections": [...]}}: every gateway the pipeline knows that the caller may see. */
    @GetMapping("/connections")
    public ResponseEntity<byte[]> connections(Viewer viewer) {
        return json(this.gate.run(() -> ReplayJson.connections(visible(this.replay.connections(), viewer))));
    }

    /** {@code {"connection", "earliest", "latest"}}: what the session-events topic holds of the connection. */
    @GetMapping("/range")
    public ResponseEntity<byte[]> range(ServerHttpRequest request, Viewer viewer) {
        String connection = connection(request, viewer);
        return json(ask(viewer, connection, () -> ReplayJson.range(connection,
                this.replay.retained(Topic.SESSION_EVENTS, connection))));
    }

    /**
     * The connection's table as of {@code at}, with its connection status then and the snapshot it grew from; each
     * row whole, or only the {@code fields} named (comma-separated; the key always).
     */
    @GetMapping("/state")
    public ResponseEntity<byte[]> state(ServerHttpRequest request, Viewer viewer) {
        String connection = connection(request, viewer);
        Instant at = QueryParameters.time(request, "at", this.clock);
        Set<String> fields = QueryParameters.names(request, "fields", MAX_FIELDS);
        List<ConnectionTableAt> tables = ask(viewer, connection, () -> this.replay.stateAt(at, connection));
        return json(ReplayJson.state(tables.get(0), fields));
    }

    /** The first change after {@code at} ({@code direction=next}) or the last at or before it ({@code previous}). */
    @GetMapping("/step")
    public ResponseEntity<byte[]> step(ServerHttpRequest request, Viewer viewer) {
        String connection = connection(request, viewer);
        Instant at = QueryParameters.time(request, "at", this.clock);
        ChangeStepper.Direction direction = direction(request);
        ChangeStepper.Step step = ask(viewer, connection, () -> this.stepper.step(connection, at, direction));
        return json(ReplayJson.step(connection, at, direction, step));
    }

    /** The raw frames written in {@code [from, to]} ({@code to} absent: up to the newest), at most {@code limit}. */
    @GetMapping("/frames")
    public ResponseEntity<byte[]> frames(ServerHttpRequest request, Viewer viewer) {
        String connection = connection(request, viewer);
        Instant from = QueryParameters.time(request, "from", this.clock);
        Instant to = QueryParameters.optionalTime(request, "to", this.clock);
        String session = QueryParameters.optional(request, "session");
        int limit = QueryParameters.number(request, "limit", DEFAULT_FRAMES, 1, MAX_FRAMES);
        ObjectNode json = ReplayJson.object();
        json.put("connection", connection);
        json.put("from", from.toString());
        json.put("to", to == null ? null : to.toString());
        ArrayNode frames = json.putArray("frames");
        boolean[] truncated = new boolean[1];
        ask(viewer, connection, () -> {
            this.replay.frames(connection, from, to, session, frame -> {
                if (frames.size() == limit) {
                    truncated[0] = true;
                    return false;
                }
                frames.add(ReplayJson.frame(frame));
                return true;
            });
            return null;
        });
        json.put("truncated", truncated[0]);
        return json(json);
    }

    /** The one gateway a question is about: well-formed (else 400), and within the caller's scope (else 403). */
    private static String connection(ServerHttpRequest request, Viewer viewer) {
        String connection = QueryParameters.connection(request);
        ScopeRefusals.requirePermitted(viewer.scope(), connection);
        return connection;
    }

    /**
     * Asks the engine about {@code connection} (within the caller's scope) once a permit is free. The engine refuses
     * a connection it does not know by naming those it knows: a caller limited to some gateways is told only the
     * ones it may see (one more read of the connection table, on that refusal only).
     */
    private <T> T ask(Viewer viewer, String connection, Supplier<T> question) {
        return this.gate.run(() -> {
            try {
                return question.get();
            }
            catch (ReplayException ex) {
                if (ex.reason() != ReplayException.Reason.UNKNOWN_CONNECTION
                        || viewer.scope() instanceof GatewayScope.All) {
                    throw ex;
                }
                List<String> known = visible(this.replay.connections(), viewer);
                throw new ReplayException(ReplayException.Reason.UNKNOWN_CONNECTION, "no gateway connection '"
                        + connection + "'; known: " + (known.isEmpty() ? "none yet" : String.join(", ", known)));
            }
        });
    }

    private static List<String> visible(Collection<String> connections, Viewer viewer) {
        return connections.stream().filter(viewer.scope()::permits).toList();
    }

    private static ChangeStepper.Direction direction(ServerHttpRequest request) {
        String value = QueryParameters.required(request, "direction", "next or previous");
        try {
            return ChangeStepper.Direction.valueOf(value.toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException ex) {
            throw new InvalidRequestException("?direction= must be next or previous");
        }
    }

    private static ResponseEntity<byte[]> json(ObjectNode body) {
        // A replayed instant never changes, but the page's "now" does, and answers may carry session data.
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).cacheControl(CacheControl.noStore())
                .body(ReplayJson.bytes(body));
    }
}

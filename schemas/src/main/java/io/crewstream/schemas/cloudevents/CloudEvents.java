package io.crewstream.schemas.cloudevents;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;

import io.crewstream.schemas.BoundedText;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The CloudEvents 1.0 attributes crewstream puts on every record it writes, in the Kafka protocol binding's binary
 * content mode: each attribute is a header {@code ce_<name>} (UTF-8 text), the record's value is the event's data
 * unchanged (so readers that ignore headers read exactly what they read before), and {@code content-type} says it is
 * JSON. Standard tooling (CloudEvents SDKs, Kafka Connect's CloudEvents converters, kcat {@code -f '%h'}) reads
 * them without knowing crewstream.
 *
 * <ul>
 * <li>{@code ce_specversion}: {@value #SPEC_VERSION};</li>
 * <li>{@code ce_id}: unique per event, and the same if the record is written again (a producer's retry, a stream
 * task reprocessing its input after a crash): derived from what caused the event, never random; one over
 * {@value #MAX_VALUE_BYTES} bytes is written as its start and a digest of the whole;</li>
 * <li>{@code ce_source}: {@code /crewstream/<component>/<connection id>}, e.g. {@code /crewstream/ingestor/local}
 * ({@code /crewstream/projector} for a dead letter);</li>
 * <li>{@code ce_type}: {@link CloudEventType}, versioned, e.g. {@code io.crewstream.session.upserted.v1};</li>
 * <li>{@code ce_time}: when it happened (RFC 3339, UTC);</li>
 * <li>{@code ce_subject}: the session key, where the event is about one session (bounded like the id);</li>
 * <li>{@code ce_dataschema}: the {@code $id} of the value's JSON Schema.</li>
 * </ul>
 *
 * Immutable; {@link #writeTo} adds to the caller's headers.
 */
public record CloudEvents(String id, String source, CloudEventType type, Instant time, String subject) {

    public static final String SPEC_VERSION = "1.0";

    public static final String SPECVERSION_HEADER = "ce_specversion";
    public static final String ID_HEADER = "ce_id";
    public static final String SOURCE_HEADER = "ce_source";
    public static final String TYPE_HEADER = "ce_type";
    public static final String TIME_HEADER = "ce_time";
    public static final String SUBJECT_HEADER = "ce_subject";
    public static final String DATASCHEMA_HEADER = "ce_dataschema";
    /**
     * A CloudEvents extension attribute of crewstream's: the process instance that wrote the record (an ingestor's
     * {@code crewstream.ingestor.instance-id}). Of several ingestors sharing the gateways, one owns each gateway at a
     * time; this says which one a record came from, so a reader can see a failover in the stream and check that no
     * two instances' records of one gateway interleave. Absent on records of writers older than ownership.
     */
    public static final String WRITER_HEADER = "ce_crewstreamwriter";

    /** The binding's header for the data's media type. */
    public static final String CONTENT_TYPE_HEADER = "content-type";

    public static final String JSON = "application/json";

    /**
     * Header values up to this many UTF-8 bytes are written as they are; a longer one (an id or subject derived from a
     * key of any length must not make a record too large) is {@linkplain BoundedText bounded}: its start and the
     * digest of the whole, so that two ids that differ only after the start stay different.
     */
    static final int MAX_VALUE_BYTES = 512;

    /** How many characters of a longer value are kept before its digest: at most 384 bytes, plus 74 for the digest. */
    static final int KEPT_VALUE_CHARS = 128;

    public CloudEvents {
        if (id == null || id.isBlank() || source == null || type == null || time == null) {
            throw new IllegalArgumentException("a CloudEvent needs an id, a source, a type and a time");
        }
    }

    /** The components that write records, as they appear in {@code ce_source}. */
    public enum Component {
        INGESTOR("ingestor"), PROJECTOR("projector"), AGENT_USAGE("agent-usage");

        private final String path;

        Component(String path) {
            this.path = path;
        }

        public String path() {
            return this.path;
        }
    }

    /**
     * {@code /crewstream/<component>/<connectionId>}, or {@code /crewstream/<component>} for an event of no one
     * connection (a dead letter, whose record may have no valid key).
     */
    public static String source(Component component, String connectionId) {
        return "/crewstream/" + component.path() + (connectionId == null ? "" : "/" + connectionId);
    }

    /** Adds the attributes to {@code headers}, replacing any of the same names. */
    public Headers writeTo(Headers headers) {
        put(headers, SPECVERSION_HEADER, SPEC_VERSION);
        put(headers, ID_HEADER, this.id);
        put(headers, SOURCE_HEADER, this.source);
        put(headers, TYPE_HEADER, this.type.type());
        put(headers, TIME_HEADER, this.time.toString());
        if (this.subject != null) {
            put(headers, SUBJECT_HEADER, this.subject);
        }
        else {
            headers.remove(SUBJECT_HEADER);
        }
        put(headers, DATASCHEMA_HEADER, this.type.dataSchema());
        put(headers, CONTENT_TYPE_HEADER, JSON);
        return headers;
    }

    /** The attributes a record carries, or empty when it has none (written before crewstream wrote them). */
    public static Optional<CloudEvents> readFrom(Headers headers) {
        String id = text(headers, ID_HEADER);
        String source = text(headers, SOURCE_HEADER);
        String type = text(headers, TYPE_HEADER);
        String time = text(headers, TIME_HEADER);
        if (id == null || source == null || type == null || time == null) {
            return Optional.empty();
        }
        CloudEventType known = Arrays.stream(CloudEventType.values()).filter(t -> t.type().equals(type)).findFirst()
                .orElse(null);
        if (known == null) {
            return Optional.empty();
        }
        return Optional.of(new CloudEvents(id, source, known, Instant.parse(time), text(headers, SUBJECT_HEADER)));
    }

    /** A header's text, or null when absent. */
    public static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void put(Headers headers, String name, String value) {
        headers.remove(name);
        headers.add(name, BoundedText.bound(value, MAX_VALUE_BYTES, KEPT_VALUE_CHARS).getBytes(StandardCharsets.UTF_8));
    }
}

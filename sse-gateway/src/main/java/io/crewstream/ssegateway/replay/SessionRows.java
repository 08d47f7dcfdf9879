package io.crewstream.ssegateway.replay;

import java.util.Collection;
import java.util.Set;

import io.crewstream.schemas.records.SessionRow;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.filter.FilteringGeneratorDelegate;
import tools.jackson.core.filter.TokenFilter;
import tools.jackson.databind.JacksonSerializable;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.jsontype.TypeSerializer;

/**
 * The rows of a replayed table as an answer writes them: each row as the gateway sent it, or only the fields asked
 * for ({@code ?fields=}). The page asks for the few its table shows: a real row is about 2 KB, mostly fields the table
 * never shows, and a 10,000-session table is then 2 MB to write, send and parse instead of 20 MB. Written straight from
 * the engine's rows as the answer is written: no row is copied, no tree is built. Immutable.
 */
final class SessionRows implements JacksonSerializable {

    /** Every row keeps its key, whatever was asked: it is what identifies the row. */
    static final String KEY = "key";

    private final Collection<SessionRow> rows;

    private final TokenFilter fields;

    /** @param fields the fields to keep; null for every field */
    SessionRows(Collection<SessionRow> rows, Set<String> fields) {
        this.rows = rows;
        this.fields = fields == null ? null : new Fields(fields);
    }

    @Override
    public void serialize(JsonGenerator generator, SerializationContext context) {
        generator.writeStartArray();
        for (SessionRow row : this.rows) {
            if (this.fields == null) {
                context.writeValue(generator, row);
            }
            else {
                context.writeValue(new FilteringGeneratorDelegate(generator, this.fields,
                        TokenFilter.Inclusion.INCLUDE_ALL_AND_PATH, true), row);
            }
        }
        generator.writeEndArray();
    }

    @Override
    public void serializeWithType(JsonGenerator generator, SerializationContext context, TypeSerializer types) {
        // Never written with type information: the answers are plain JSON.
        serialize(generator, context);
    }

    /** Keeps the named top-level fields of a row, whole. */
    private static final class Fields extends TokenFilter {

        private final Set<String> names;

        Fields(Set<String> names) {
            this.names = names;
        }

        @Override
        public TokenFilter includeProperty(String name) {
            return name.equals(KEY) || this.names.contains(name) ? TokenFilter.INCLUDE_ALL : null;
        }
    }
}

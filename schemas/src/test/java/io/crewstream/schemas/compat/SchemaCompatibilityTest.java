package io.crewstream.schemas.compat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.crewstream.schemas.compat.SchemaCompatibility.Rule;
import io.crewstream.schemas.compat.SchemaCompatibility.Violation;
import io.crewstream.schemas.serde.ContractJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * The build enforces the evolution rule: the v1 schemas as released are kept as a baseline in
 * {@code src/test/resources/crewstream/baseline/v1/}, and the schemas shipped now must keep every promise they made
 * (the rule is in {@link SchemaCompatibility}'s Javadoc). Never edit a baseline to make this test pass: a change it
 * rejects is a breaking change, which is v2 (new schemas, new {@code .v2} topics).
 *
 * <p>The checker itself is tested on modified copies of the released schemas: each forbidden change yields exactly
 * one violation naming the file, the field and the rule; additive changes yield none.
 */
class SchemaCompatibilityTest {

    private static final String BASELINE_FOLDER = "crewstream/baseline/v1/";
    private static final String SHIPPED_FOLDER = "crewstream/schemas/v1/";

    private static final String COMMON = "common.schema.json";
    private static final String CONNECTION_STATE = "connection-state.schema.json";
    private static final String CONNECTION_STATUS = "connection-status.schema.json";
    private static final String DEAD_LETTER = "dead-letter.schema.json";
    private static final String RAW_FRAME = "raw-frame.schema.json";
    private static final String SESSION_EVENT = "session-event.schema.json";
    private static final String SESSION_STATE = "session-state.schema.json";

    private static final Map<String, JsonNode> RELEASED = SchemaSets.fromClasspath(BASELINE_FOLDER);

    // --- the real schemas ---

    @Test
    void theBaselineIsTheWholeReleasedV1Set() {
        assertThat(RELEASED).containsOnlyKeys(COMMON, CONNECTION_STATE, CONNECTION_STATUS, DEAD_LETTER, RAW_FRAME,
                SESSION_EVENT, SESSION_STATE, "sse-gateway-status.schema.json", "sse-session-removed.schema.json",
                "sse-session.schema.json", "sse-sessions-refresh.schema.json");
    }

    @Test
    void theShippedSchemasKeepEveryReleasedPromise() {
        List<Violation> violations = SchemaCompatibility.compare(RELEASED, SchemaSets.fromClasspath(SHIPPED_FOLDER));

        assertThat(violations)
                .withFailMessage(() -> violations.size() + " change(s) to the v1 schemas break the evolution rule "
                        + "(never edit the baseline: a breaking change is v2, with new schemas and new topics):\n  "
                        + violations.stream().map(Violation::toString).collect(Collectors.joining("\n  ")))
                .isEmpty();
    }

    // --- forbidden changes, on modified copies ---

    static Stream<Arguments> forbiddenChanges() {
        return Stream.of(
                forbidden("remove 'label' from common's sessionRow",
                        schemas -> object(schemas, COMMON, "/$defs/sessionRow/properties").remove("label"),
                        COMMON, "/$defs/sessionRow/properties/label", Rule.REMOVED, "property 'label' removed"),
                forbidden("rename connection-status 'reason' to 'reasonText'",
                        schemas -> rename(object(schemas, CONNECTION_STATUS, "/properties"), "reason", "reasonText"),
                        CONNECTION_STATUS, "/properties/reason", Rule.REMOVED,
                        "a rename is a removal plus an addition, so it is forbidden too (added here: 'reasonText')"),
                forbidden("remove common's $def upstreamState",
                        schemas -> object(schemas, COMMON, "/$defs").remove("upstreamState"),
                        COMMON, "/$defs/upstreamState", Rule.REMOVED, "$def 'upstreamState' removed"),
                forbidden("remove the raw-frame schema",
                        schemas -> schemas.remove(RAW_FRAME),
                        RAW_FRAME, "", Rule.REMOVED, "schema file removed"),
                forbidden("remove the session-removed variant of session-event",
                        schemas -> array(schemas, SESSION_EVENT, "/oneOf").remove(2),
                        SESSION_EVENT, "/oneOf/2", Rule.REMOVED, "variant type='session-removed' removed"),

                forbidden("change session-state revision from integer to string",
                        schemas -> object(schemas, SESSION_STATE, "/properties/revision").put("type", "string"),
                        SESSION_STATE, "/properties/revision", Rule.TYPE_CHANGED,
                        "type was [integer], is now [string]: integer no longer accepted"),
                forbidden("make sessionRow updatedAt non-nullable",
                        schemas -> object(schemas, COMMON, "/$defs/sessionRow/properties/updatedAt")
                                .put("type", "number"),
                        COMMON, "/$defs/sessionRow/properties/updatedAt", Rule.TYPE_CHANGED, "null no longer accepted"),
                forbidden("narrow sessionRow totalTokens from number to integer",
                        schemas -> types(object(schemas, COMMON, "/$defs/sessionRow/properties/totalTokens"),
                                "integer", "null"),
                        COMMON, "/$defs/sessionRow/properties/totalTokens", Rule.TYPE_CHANGED,
                        "number no longer accepted"),
                forbidden("replace session-state observedAt's epochMillis $ref with a string",
                        schemas -> object(schemas, SESSION_STATE, "/properties").set("observedAt",
                                json("{\"type\": \"string\"}")),
                        SESSION_STATE, "/properties/observedAt", Rule.TYPE_CHANGED, "integer no longer accepted"),
                forbidden("make snapshot-chunk sessions an array of strings",
                        schemas -> object(schemas, SESSION_EVENT, "/$defs/snapshotChunk/properties/sessions")
                                .set("items", json("{\"type\": \"string\"}")),
                        SESSION_EVENT, "/$defs/snapshotChunk/properties/sessions/items", Rule.TYPE_CHANGED,
                        "object no longer accepted"),

                forbidden("add upstreamUpdatedAt to session-state's required",
                        schemas -> array(schemas, SESSION_STATE, "/required").add("upstreamUpdatedAt"),
                        SESSION_STATE, "/properties/upstreamUpdatedAt", Rule.REQUIRED_ADDED,
                        "property 'upstreamUpdatedAt' made required"),
                forbidden("add a new required property to session-state",
                        schemas -> {
                            object(schemas, SESSION_STATE, "/properties").set("agentId",
                                    json("{\"type\": \"string\"}"));
                            array(schemas, SESSION_STATE, "/required").add("agentId");
                        },
                        SESSION_STATE, "/properties/agentId", Rule.REQUIRED_ADDED,
                        "new property 'agentId' added as required"),

                forbidden("drop 'updated' from session-state changeType",
                        schemas -> removeValue(array(schemas, SESSION_STATE, "/properties/changeType/enum"), "updated"),
                        SESSION_STATE, "/properties/changeType", Rule.ENUM_NARROWED, "value 'updated' removed"),
                forbidden("change schemaVersion's const from 1 to 2",
                        schemas -> object(schemas, COMMON, "/$defs/schemaVersion").put("const", 2),
                        COMMON, "/$defs/schemaVersion", Rule.ENUM_NARROWED, "const changed from 1 to 2"),
                forbidden("restrict raw-frame event to an enum",
                        schemas -> object(schemas, RAW_FRAME, "/properties/event").set("enum", json("[\"chat\"]")),
                        RAW_FRAME, "/properties/event", Rule.ENUM_NARROWED, "took any value, now only 'chat'"),

                forbidden("add 'deleted' to session-state changeType",
                        schemas -> array(schemas, SESSION_STATE, "/properties/changeType/enum").add("deleted"),
                        SESSION_STATE, "/properties/changeType", Rule.ENUM_WIDENED, "value 'deleted' added"),
                forbidden("add a session-renamed variant to session-event",
                        schemas -> {
                            object(schemas, SESSION_EVENT, "/$defs").set("sessionRenamed",
                                    json("""
                                            {"type": "object",
                                             "properties": {"type": {"const": "session-renamed"}}}"""));
                            array(schemas, SESSION_EVENT, "/oneOf").add(json("{\"$ref\": \"#/$defs/sessionRenamed\"}"));
                        },
                        SESSION_EVENT, "/oneOf/3", Rule.ENUM_WIDENED, "variant type='session-renamed' added"),

                forbidden("close common's sessionRow",
                        schemas -> object(schemas, COMMON, "/$defs/sessionRow").put("additionalProperties", false),
                        COMMON, "/$defs/sessionRow/additionalProperties", Rule.ADDITIONAL_PROPERTIES_TIGHTENED,
                        "was true, now false"),
                forbidden("close session-state",
                        schemas -> object(schemas, SESSION_STATE, "").put("additionalProperties", false),
                        SESSION_STATE, "/additionalProperties", Rule.ADDITIONAL_PROPERTIES_TIGHTENED,
                        "was absent, now false"),
                forbidden("constrain connection-state's additional properties to strings",
                        schemas -> object(schemas, CONNECTION_STATE, "").set("additionalProperties",
                                json("{\"type\": \"string\"}")),
                        CONNECTION_STATE, "/additionalProperties", Rule.ADDITIONAL_PROPERTIES_TIGHTENED,
                        "was absent, now a schema"),

                forbidden("change connectionId's pattern",
                        schemas -> object(schemas, COMMON, "/$defs/connectionId")
                                .put("pattern", "^[a-z0-9][a-z0-9_-]{0,31}$"),
                        COMMON, "/$defs/connectionId", Rule.PATTERN_CHANGED,
                        "pattern changed from '^[a-z0-9][a-z0-9_-]{0,63}$' to '^[a-z0-9][a-z0-9_-]{0,31}$'"),
                forbidden("add a pattern to session-state sessionKey",
                        schemas -> object(schemas, SESSION_STATE, "/properties/sessionKey").put("pattern", "^agent:"),
                        SESSION_STATE, "/properties/sessionKey", Rule.PATTERN_CHANGED, "pattern '^agent:' added"),

                forbidden("raise session-state revision's minimum",
                        schemas -> object(schemas, SESSION_STATE, "/properties/revision").put("minimum", 2),
                        SESSION_STATE, "/properties/revision", Rule.MIN_MAX_TIGHTENED, "minimum raised from 1 to 2"),
                forbidden("add a maxLength to dead-letter reason",
                        schemas -> object(schemas, DEAD_LETTER, "/properties/reason").put("maxLength", 1024),
                        DEAD_LETTER, "/properties/reason", Rule.MIN_MAX_TIGHTENED, "maxLength 1024 added"),

                forbidden("add a multipleOf to dead-letter sourceOffset",
                        schemas -> object(schemas, DEAD_LETTER, "/properties/sourceOffset").put("multipleOf", 2),
                        DEAD_LETTER, "/properties/sourceOffset", Rule.UNCHECKED_KEYWORD_CHANGED,
                        "'multipleOf' added"),
                forbidden("add a format to raw-frame text",
                        schemas -> object(schemas, RAW_FRAME, "/properties/text").put("format", "uri"),
                        RAW_FRAME, "/properties/text", Rule.UNCHECKED_KEYWORD_CHANGED, "'format' added"),
                forbidden("add a not to raw-frame event",
                        schemas -> object(schemas, RAW_FRAME, "/properties/event").set("not",
                                json("{\"const\": \"tick\"}")),
                        RAW_FRAME, "/properties/event", Rule.UNCHECKED_KEYWORD_CHANGED, "'not' added"),
                forbidden("add an if/then to raw-frame",
                        schemas -> {
                            object(schemas, RAW_FRAME, "").set("if",
                                    json("{\"properties\": {\"frameType\": {\"const\": \"event\"}}}"));
                            object(schemas, RAW_FRAME, "").set("then", json("{\"required\": [\"event\"]}"));
                        },
                        RAW_FRAME, "", Rule.UNCHECKED_KEYWORD_CHANGED, "'if' added, 'then' added"),
                forbidden("add propertyNames to common's sessionRow",
                        schemas -> object(schemas, COMMON, "/$defs/sessionRow").set("propertyNames",
                                json("{\"maxLength\": 64}")),
                        COMMON, "/$defs/sessionRow", Rule.UNCHECKED_KEYWORD_CHANGED, "'propertyNames' added"),
                forbidden("add a dependentRequired to raw-frame",
                        schemas -> object(schemas, RAW_FRAME, "").set("dependentRequired",
                                json("{\"seq\": [\"event\"]}")),
                        RAW_FRAME, "", Rule.UNCHECKED_KEYWORD_CHANGED, "'dependentRequired' added"),
                forbidden("make snapshot-chunk sessions uniqueItems",
                        schemas -> object(schemas, SESSION_EVENT, "/$defs/snapshotChunk/properties/sessions")
                                .put("uniqueItems", true),
                        SESSION_EVENT, "/$defs/snapshotChunk/properties/sessions", Rule.UNCHECKED_KEYWORD_CHANGED,
                        "'uniqueItems' added"),
                forbidden("add a oneOf to dead-letter reason",
                        schemas -> object(schemas, DEAD_LETTER, "/properties/reason").set("oneOf",
                                json("[{\"maxLength\": 64}]")),
                        DEAD_LETTER, "/properties/reason/oneOf/0", Rule.MIN_MAX_TIGHTENED, "maxLength 64 added"),
                forbidden("add an anyOf to dead-letter consumer",
                        schemas -> object(schemas, DEAD_LETTER, "/properties/consumer").set("anyOf",
                                json("[{\"minLength\": 3}]")),
                        DEAD_LETTER, "/properties/consumer/anyOf/0", Rule.MIN_MAX_TIGHTENED,
                        "minLength 3 added"),
                forbidden("add a oneOf of two branches that overlap to dead-letter reason",
                        schemas -> object(schemas, DEAD_LETTER, "/properties/reason").set("oneOf",
                                json("[{}, {\"type\": \"string\"}]")),
                        DEAD_LETTER, "/properties/reason/oneOf/1", Rule.ONE_OF_BRANCH_ADDED,
                        "a value that matches two branches is rejected"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("forbiddenChanges")
    void aForbiddenChangeIsReportedWithItsFileFieldAndRule(String change, Consumer<Map<String, JsonNode>> edit,
            Violation expected) {
        List<Violation> violations = SchemaCompatibility.compare(RELEASED, edited(edit));

        assertThat(violations).extracting(Violation::file, Violation::path, Violation::rule)
                .containsExactly(tuple(expected.file(), expected.path(), expected.rule()));
        assertThat(violations.get(0).detail()).contains(expected.detail());
    }

    @Test
    void everyRuleHasAForbiddenChangeAbove() {
        Set<Rule> covered = forbiddenChanges().map(arguments -> ((Violation) arguments.get()[2]).rule())
                .collect(Collectors.toSet());

        assertThat(covered).containsExactlyInAnyOrder(Rule.values());
    }

    @Test
    void aViolationReadsAsFileFieldRuleAndWhat() {
        List<Violation> violations = SchemaCompatibility.compare(RELEASED, edited(schemas ->
                removeValue(array(schemas, SESSION_STATE, "/properties/changeType/enum"), "updated")));

        assertThat(violations).extracting(Violation::toString)
                .containsExactly(
                        "session-state.schema.json /properties/changeType: ENUM_NARROWED: value 'updated' removed");
    }

    @Test
    void everyForbiddenChangeIsListedNotJustTheFirst() {
        List<Violation> violations = SchemaCompatibility.compare(RELEASED, edited(schemas -> {
            object(schemas, COMMON, "/$defs/sessionRow/properties").remove("label");
            object(schemas, SESSION_STATE, "/properties/revision").put("type", "string");
        }));

        assertThat(violations).extracting(Violation::file, Violation::rule).containsExactly(
                tuple(COMMON, Rule.REMOVED), tuple(SESSION_STATE, Rule.TYPE_CHANGED));
    }

    @Test
    void anUncheckedKeywordChangedFromItsReleasedValueIsReported() {
        Map<String, JsonNode> released = SchemaSets.deepCopy(RELEASED);
        object(released, DEAD_LETTER, "/properties/sourceOffset").put("multipleOf", 2);
        Map<String, JsonNode> now = SchemaSets.deepCopy(released);
        object(now, DEAD_LETTER, "/properties/sourceOffset").put("multipleOf", 4);

        assertThat(SchemaCompatibility.compare(released, now)).extracting(Violation::toString).containsExactly(
                "dead-letter.schema.json /properties/sourceOffset: UNCHECKED_KEYWORD_CHANGED: 'multipleOf' changed "
                        + "from 2 to 4; the checker cannot tell whether records valid before stay valid");
        assertThat(SchemaCompatibility.compare(released, released)).as("kept as released").isEmpty();
    }

    // --- additive changes, on modified copies ---

    static Stream<Arguments> additiveChanges() {
        return Stream.of(
                additive("a new optional property in session-state",
                        schemas -> object(schemas, SESSION_STATE, "/properties").set("agentId",
                                json("{\"type\": \"string\"}"))),
                additive("a new optional property in common's sessionRow",
                        schemas -> object(schemas, COMMON, "/$defs/sessionRow/properties").set("thinkingLevel",
                                json("{\"type\": [\"string\", \"null\"]}"))),
                additive("a new schema file",
                        schemas -> schemas.put("agent-usage.schema.json", json("""
                                {"$schema": "https://json-schema.org/draft/2020-12/schema",
                                 "type": "object", "required": ["schemaVersion", "agentId"],
                                 "properties": {"schemaVersion": {"$ref": "common.schema.json#/$defs/schemaVersion"},
                                                "agentId": {"type": "string"}}}"""))),
                additive("a new $def in common",
                        schemas -> object(schemas, COMMON, "/$defs").set("agentId", json("{\"type\": \"string\"}"))),
                additive("session-state revision widened from integer to number",
                        schemas -> object(schemas, SESSION_STATE, "/properties/revision").put("type", "number")),
                additive("session-state upstreamUpdatedAt made nullable",
                        schemas -> types(object(schemas, SESSION_STATE, "/properties/upstreamUpdatedAt"),
                                "number", "null")),
                additive("raw-frame frameType opened from an enum to any string",
                        schemas -> object(schemas, RAW_FRAME, "/properties").set("frameType",
                                json("{\"type\": \"string\"}"))),
                additive("session-state revision no longer required",
                        schemas -> removeValue(array(schemas, SESSION_STATE, "/required"), "revision")),
                additive("constraints relaxed: minimum lowered, minLength and pattern dropped",
                        schemas -> {
                            object(schemas, SESSION_EVENT, "/$defs/snapshotChunk/properties/chunkCount")
                                    .put("minimum", 0);
                            object(schemas, SESSION_STATE, "/properties/sessionKey").remove("minLength");
                            object(schemas, COMMON, "/$defs/connectionId").remove("pattern");
                        }),
                additive("additionalProperties opened: absent to true, true to absent",
                        schemas -> {
                            object(schemas, SESSION_STATE, "").put("additionalProperties", true);
                            object(schemas, COMMON, "/$defs/sessionRow").remove("additionalProperties");
                        }),
                additive("title and description changed",
                        schemas -> {
                            object(schemas, DEAD_LETTER, "").put("title", "Dead letter, retitled");
                            object(schemas, COMMON, "/$defs/sessionRow").put("description", "A gateway row.");
                        }),
                additive("annotations added: examples, $comment, default, deprecated",
                        schemas -> object(schemas, DEAD_LETTER, "/properties/reason").put("$comment", "free text")
                                .put("default", "unknown").put("deprecated", false)
                                .set("examples", json("[\"timed out\"]"))),
                additive("an anyOf whose first branch accepts anything",
                        schemas -> object(schemas, DEAD_LETTER, "/properties/reason").set("anyOf",
                                json("[{}, {\"maxLength\": 64}]"))),
                additive("a $ref replaced by an identical inline schema",
                        schemas -> object(schemas, SESSION_STATE, "/properties").set("observedAt",
                                json("{\"type\": \"integer\", \"minimum\": 0}"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("additiveChanges")
    void anAdditiveChangePasses(String change, Consumer<Map<String, JsonNode>> edit) {
        assertThat(SchemaCompatibility.compare(RELEASED, edited(edit))).isEmpty();
    }

    @Test
    void theReleasedSchemasAreCompatibleWithThemselves() {
        assertThat(SchemaCompatibility.compare(RELEASED, RELEASED)).isEmpty();
    }

    // --- building modified copies ---

    private static Arguments forbidden(String change, Consumer<Map<String, JsonNode>> edit, String file, String path,
            Rule rule, String detail) {
        return Arguments.of(change, edit, new Violation(file, path, rule, detail));
    }

    private static Arguments additive(String change, Consumer<Map<String, JsonNode>> edit) {
        return Arguments.of(change, edit);
    }

    /** The released schemas with one change applied to a copy; the baseline itself is never touched. */
    private static Map<String, JsonNode> edited(Consumer<Map<String, JsonNode>> edit) {
        Map<String, JsonNode> copy = SchemaSets.deepCopy(RELEASED);
        edit.accept(copy);
        return copy;
    }

    private static ObjectNode object(Map<String, JsonNode> schemas, String file, String pointer) {
        return (ObjectNode) schemas.get(file).at(pointer).requireNonNull();
    }

    private static ArrayNode array(Map<String, JsonNode> schemas, String file, String pointer) {
        return (ArrayNode) schemas.get(file).at(pointer).requireNonNull();
    }

    private static void rename(ObjectNode properties, String from, String to) {
        properties.set(to, properties.remove(from));
    }

    private static void removeValue(ArrayNode array, String value) {
        array.removeIf(element -> element.asString().equals(value));
    }

    private static void types(ObjectNode schema, String... types) {
        ArrayNode array = schema.putArray("type");
        Arrays.stream(types).forEach(array::add);
    }

    private static JsonNode json(String text) {
        return ContractJson.mapper().readTree(text);
    }
}

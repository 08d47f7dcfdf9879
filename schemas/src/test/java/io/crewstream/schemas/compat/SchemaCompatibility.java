package io.crewstream.schemas.compat;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Compares the JSON Schemas of a version as released (the baseline) with the schemas as they are now, and lists
 * every change the evolution rule forbids. A pure function of the two schema sets (file name to parsed schema), so
 * that the build can run it on the real files and tests can run it on modified copies.
 *
 * <h2>The evolution rule</h2>
 *
 * Within a version (v1) the contract is <b>additive only</b>: a record valid against the released schema stays valid,
 * and every field a reader was promised keeps its name and meaning. Anything else is version 2: new schemas under
 * {@code crewstream/schemas/v2/} and new {@code .v2} topics, never an edit of v1 (see {@code docs/architecture.md},
 * "Evolution rule", and {@code SchemaVersion}).
 *
 * <p>Allowed: new optional properties, new schema files, new {@code $defs}, widening a type ({@code "string"} to
 * {@code ["string", "null"]}, {@code "integer"} to {@code "number"}, an enum to its plain type), relaxing a
 * constraint (required to optional, a minimum lowered or dropped, a pattern dropped, {@code additionalProperties}
 * from {@code false} to {@code true} or absent), and changing {@code title}, {@code description} or other
 * annotations.
 *
 * <p>Forbidden, each reported under its own {@link Rule}:
 * <ul>
 * <li>{@link Rule#REMOVED}: a schema file, a property, a {@code $def} or a {@code oneOf}/{@code anyOf}/{@code allOf}
 * branch removed. A rename is a removal plus an addition, so it is reported here too;</li>
 * <li>{@link Rule#TYPE_CHANGED}: a JSON type accepted before is rejected now, after resolving {@code $ref}s
 * ({@code "integer"} counts as a subset of {@code "number"}; an {@code enum} or {@code const} counts as the types
 * of its values);</li>
 * <li>{@link Rule#REQUIRED_ADDED}: an optional property made required, or a new property added as required;</li>
 * <li>{@link Rule#ENUM_NARROWED}: an enum value removed, a {@code const} changed, or an enum put on a property that
 * took any value;</li>
 * <li>{@link Rule#ENUM_WIDENED}: an enum value added, or a new discriminated {@code oneOf} variant (a new event
 * {@code type}). Enums are closed in v1: {@code ChangeType}, {@code UpstreamState} and {@code SessionEvent} reject
 * a value they do not know, so a new value dead-letters every record carrying it in every deployed reader;</li>
 * <li>{@link Rule#ADDITIONAL_PROPERTIES_TIGHTENED}: {@code additionalProperties} (or
 * {@code unevaluatedProperties}) from absent or {@code true} to {@code false} or to a schema;</li>
 * <li>{@link Rule#PATTERN_CHANGED}: a {@code pattern} added or changed (whether a new pattern accepts every string
 * the old one did cannot be decided in general, so any change counts);</li>
 * <li>{@link Rule#MIN_MAX_TIGHTENED}: a lower bound ({@code minimum}, {@code exclusiveMinimum}, {@code minLength},
 * {@code minItems}, {@code minProperties}) added or raised, or an upper bound added or lowered;</li>
 * <li>{@link Rule#UNCHECKED_KEYWORD_CHANGED}: any other keyword added or changed ({@code multipleOf}, {@code format},
 * {@code not}, {@code if}/{@code then}/{@code else}, {@code propertyNames}, {@code dependentRequired},
 * {@code uniqueItems}, …), or a {@code prefixItems} or {@code patternProperties} removed (which widens what
 * {@code items} or {@code additionalProperties} apply to). The checker does not understand these, so it cannot tell
 * whether the change keeps every valid record valid; passing it silently would be a hole in the rule. Only the
 * annotations ({@code title}, {@code description}, {@code examples}, {@code default}, {@code $comment}, …) may
 * change freely;</li>
 * <li>{@link Rule#ONE_OF_BRANCH_ADDED}: a {@code oneOf} branch added without a discriminator: a value that matches
 * two branches is rejected, so the new branch may reject values the others accepted.</li>
 * </ul>
 *
 * <h2>How the schemas are walked</h2>
 *
 * From the root of every baseline file: {@code properties}, {@code $defs}, {@code items},
 * {@code additionalProperties} and the branches of {@code oneOf}/{@code anyOf}/{@code allOf}. Branches are matched
 * by a discriminator when every branch has a property with a {@code const} (session-event's {@code type}), by index
 * otherwise. A {@code $ref} is resolved within the schema set ({@code common.schema.json#/$defs/x},
 * {@code #/$defs/x}, {@code sse-session.schema.json}); where the baseline and the current schema point to the
 * same target, the target is not walked again from the referring place: it is checked where it is defined, so a
 * change is reported once, at its definition. A {@code oneOf}/{@code anyOf}/{@code allOf} that was absent counts
 * as one branch {@code {}} (absent, the schema accepted what {@code {}} accepts), so a combinator put on a released
 * schema is checked like any other new constraint. The keywords outside {@link #UNDERSTOOD} and
 * {@link #ANNOTATIONS} are compared as whole values, not walked. The current schemas are assumed valid (their golden
 * examples validate against them).
 */
public final class SchemaCompatibility {

    /** A kind of forbidden change; it appears in every message so that the reader can look it up here. */
    public enum Rule {
        REMOVED, TYPE_CHANGED, REQUIRED_ADDED, ENUM_NARROWED, ENUM_WIDENED, ADDITIONAL_PROPERTIES_TIGHTENED,
        PATTERN_CHANGED, MIN_MAX_TIGHTENED, UNCHECKED_KEYWORD_CHANGED, ONE_OF_BRANCH_ADDED
    }

    /**
     * One forbidden change.
     * @param file the baseline schema file in which it was found
     * @param path JSON pointer into that file ({@code /properties/changeType}); empty for the whole file
     * @param rule the rule it breaks
     * @param detail what changed, for a human
     */
    public record Violation(String file, String path, Rule rule, String detail) {

        /** E.g. {@code session-state.schema.json /properties/changeType: ENUM_NARROWED: value 'updated' removed}. */
        @Override
        public String toString() {
            return this.file + (this.path.isEmpty() ? "" : " " + this.path) + ": " + this.rule + ": " + this.detail;
        }
    }

    private static final List<String> LOWER_BOUNDS = List.of("minimum", "exclusiveMinimum", "minLength", "minItems",
            "minProperties");
    private static final List<String> UPPER_BOUNDS = List.of("maximum", "exclusiveMaximum", "maxLength", "maxItems",
            "maxProperties");
    private static final JsonNode ANYTHING = JsonNodeFactory.instance.objectNode();

    /** The keywords the checks above compare (or that are resolved or walked); every other one is unchecked. */
    static final Set<String> UNDERSTOOD = Set.of("$ref", "$defs", "type", "enum", "const", "minimum",
            "exclusiveMinimum", "minLength", "minItems", "minProperties", "maximum", "exclusiveMaximum", "maxLength",
            "maxItems", "maxProperties", "pattern", "required", "properties", "additionalProperties",
            "unevaluatedProperties", "items", "oneOf", "anyOf", "allOf");

    /** Keywords that never make a value invalid: annotations and identifiers, free to change. */
    static final Set<String> ANNOTATIONS = Set.of("title", "description", "examples", "default", "$comment",
            "deprecated", "readOnly", "writeOnly", "contentEncoding", "contentMediaType", "$schema", "$id",
            "$anchor");

    /**
     * Unchecked keywords whose removal still restricts: without them, {@code items} or {@code additionalProperties}
     * apply to the items or properties they used to cover.
     */
    private static final Set<String> WIDEN_OTHERS_WHEN_REMOVED = Set.of("prefixItems", "patternProperties");

    private final Map<String, JsonNode> baseline;
    private final Map<String, JsonNode> current;
    private final List<Violation> violations = new ArrayList<>();
    /** Pairs of {@code $ref} targets being compared, so that a recursive schema cannot loop forever. */
    private final Set<String> followedRefs = new HashSet<>();

    private SchemaCompatibility(Map<String, JsonNode> baseline, Map<String, JsonNode> current) {
        this.baseline = baseline;
        this.current = current;
    }

    /**
     * @param baseline the schemas as released, by file name ({@code session-state.schema.json})
     * @param current the schemas as they are now, by file name; files absent from the baseline are new, so allowed
     * @return every forbidden change, in file order; empty when the current schemas keep every released promise
     */
    public static List<Violation> compare(Map<String, JsonNode> baseline, Map<String, JsonNode> current) {
        return new SchemaCompatibility(baseline, current).compareAll();
    }

    private List<Violation> compareAll() {
        new TreeMap<>(this.baseline).forEach((file, released) -> {
            JsonNode now = this.current.get(file);
            if (now == null) {
                report(file, "", Rule.REMOVED, "schema file removed; every released schema must still exist");
            }
            else {
                compareSchemas(file, "", new Node(file, released, null), new Node(file, now, null));
            }
        });
        return List.copyOf(this.violations);
    }

    // --- one schema against the other ---

    private void compareSchemas(String file, String path, Node before, Node after) {
        if (refersToSameTarget(before, after)) {
            // The target is compared where it is defined; here only what stands next to the $ref.
            compareKeywords(file, path, before.withoutRef(), after.withoutRef());
            return;
        }
        Node resolvedBefore = resolve(before, this.baseline);
        Node resolvedAfter = resolve(after, this.current);
        if (resolvedBefore.origin() == null && resolvedAfter.origin() == null) {
            compareKeywords(file, path, resolvedBefore, resolvedAfter);
            return;
        }
        String refPair = resolvedBefore.origin() + " -> " + resolvedAfter.origin();
        if (!this.followedRefs.add(refPair)) {
            return;
        }
        try {
            compareKeywords(file, path, resolvedBefore, resolvedAfter);
        }
        finally {
            this.followedRefs.remove(refPair);
        }
    }

    private void compareKeywords(String file, String path, Node before, Node after) {
        if (before.json().isBoolean() || after.json().isBoolean()) {
            compareBooleanSchemas(file, path, before, after);
            return;
        }
        Set<String> lostTypes = compareTypes(file, path, before.json(), after.json());
        compareValues(file, path, before.json(), after.json());
        compareBounds(file, path, before.json(), after.json());
        comparePattern(file, path, before.json(), after.json());
        compareUncheckedKeywords(file, path, before.json(), after.json());
        // What the schema said about objects (or arrays) is moot once objects (or arrays) are rejected outright:
        // the type change is the one finding, not every property inside.
        if (!lostTypes.contains("object")) {
            compareRequired(file, path, before.json(), after.json());
            compareProperties(file, path, before, after);
            compareClosedness(file, path, "additionalProperties", before, after);
            compareClosedness(file, path, "unevaluatedProperties", before, after);
        }
        if (!lostTypes.contains("array")) {
            compareItems(file, path, before, after);
        }
        compareDefs(file, path, before, after);
        for (String combinator : List.of("oneOf", "anyOf", "allOf")) {
            compareBranches(file, path, combinator, before, after);
        }
    }

    /** {@code true} accepts anything, {@code false} nothing; only a switch to {@code false} loses values. */
    private void compareBooleanSchemas(String file, String path, Node before, Node after) {
        boolean acceptedNothing = before.json().isBoolean() && !before.json().booleanValue();
        boolean acceptsNothing = after.json().isBoolean() && !after.json().booleanValue();
        if (acceptsNothing && !acceptedNothing) {
            report(file, path, Rule.TYPE_CHANGED, "schema is now false: no value is accepted any more");
        }
        else if (!acceptsNothing && !acceptedNothing) {
            compareKeywords(file, path, before.json().isBoolean() ? before.child(ANYTHING) : before,
                    after.json().isBoolean() ? after.child(ANYTHING) : after);
        }
    }

    // --- the checks, one per rule ---

    /** @return the JSON types accepted before and rejected now */
    private Set<String> compareTypes(String file, String path, JsonNode before, JsonNode after) {
        Set<String> typesBefore = acceptedTypes(before);
        Set<String> typesAfter = acceptedTypes(after);
        if (typesAfter == null) {
            return Set.of();
        }
        if (typesBefore == null) {
            report(file, path, Rule.TYPE_CHANGED, "accepted any type, now only " + typesAfter);
            return Set.of();
        }
        Set<String> lost = typesBefore.stream().filter(type -> !covers(typesAfter, type))
                .collect(Collectors.toCollection(LinkedHashSet::new));
        if (!lost.isEmpty()) {
            report(file, path, Rule.TYPE_CHANGED, "type was " + typesBefore + ", is now " + typesAfter + ": "
                    + String.join(", ", lost) + " no longer accepted");
        }
        return lost;
    }

    private void compareValues(String file, String path, JsonNode before, JsonNode after) {
        Set<JsonNode> valuesBefore = acceptedValues(before);
        Set<JsonNode> valuesAfter = acceptedValues(after);
        if (valuesAfter == null) {
            return;
        }
        if (valuesBefore == null) {
            report(file, path, Rule.ENUM_NARROWED, "took any value, now only " + quoted(valuesAfter));
            return;
        }
        if (before.has("const") && after.has("const") && !valuesBefore.equals(valuesAfter)) {
            report(file, path, Rule.ENUM_NARROWED, "const changed from " + quoted(before.get("const")) + " to "
                    + quoted(after.get("const")));
            return;
        }
        valuesBefore.stream().filter(value -> !valuesAfter.contains(value)).forEach(value ->
                report(file, path, Rule.ENUM_NARROWED, "value " + quoted(value) + " removed"));
        valuesAfter.stream().filter(value -> !valuesBefore.contains(value)).forEach(value ->
                report(file, path, Rule.ENUM_WIDENED, "value " + quoted(value)
                        + " added; v1 enums are closed, readers reject a value they do not know"));
    }

    private void compareBounds(String file, String path, JsonNode before, JsonNode after) {
        for (String keyword : LOWER_BOUNDS) {
            compareBound(file, path, keyword, before.get(keyword), after.get(keyword), 1, "raised");
        }
        for (String keyword : UPPER_BOUNDS) {
            compareBound(file, path, keyword, before.get(keyword), after.get(keyword), -1, "lowered");
        }
    }

    /** @param tighter the sign of {@code after.compareTo(before)} that rejects values accepted before */
    private void compareBound(String file, String path, String keyword, JsonNode before, JsonNode after, int tighter,
            String verb) {
        if (after == null || !after.isNumber()) {
            return;
        }
        if (before == null || !before.isNumber()) {
            report(file, path, Rule.MIN_MAX_TIGHTENED, keyword + " " + after + " added");
            return;
        }
        BigDecimal was = before.decimalValue();
        BigDecimal is = after.decimalValue();
        if (Integer.signum(is.compareTo(was)) == tighter) {
            report(file, path, Rule.MIN_MAX_TIGHTENED, keyword + " " + verb + " from " + before + " to " + after);
        }
    }

    private void comparePattern(String file, String path, JsonNode before, JsonNode after) {
        JsonNode patternAfter = after.get("pattern");
        JsonNode patternBefore = before.get("pattern");
        if (patternAfter == null || patternAfter.equals(patternBefore)) {
            return;
        }
        report(file, path, Rule.PATTERN_CHANGED, patternBefore == null ? "pattern " + quoted(patternAfter) + " added"
                : "pattern changed from " + quoted(patternBefore) + " to " + quoted(patternAfter));
    }

    /** All of a schema's unchecked changes in one violation, so that {@code if} with its {@code then} is one. */
    private void compareUncheckedKeywords(String file, String path, JsonNode before, JsonNode after) {
        List<String> changes = new ArrayList<>();
        for (String keyword : after.propertyNames()) {
            if (UNDERSTOOD.contains(keyword) || ANNOTATIONS.contains(keyword)) {
                continue;
            }
            JsonNode was = before.get(keyword);
            JsonNode is = after.get(keyword);
            if (was == null) {
                changes.add("'" + keyword + "' added");
            }
            else if (!was.equals(is)) {
                changes.add("'" + keyword + "' changed from " + was + " to " + is);
            }
        }
        for (String keyword : WIDEN_OTHERS_WHEN_REMOVED) {
            if (before.has(keyword) && !after.has(keyword)) {
                changes.add("'" + keyword + "' removed");
            }
        }
        if (!changes.isEmpty()) {
            report(file, path, Rule.UNCHECKED_KEYWORD_CHANGED, String.join(", ", changes)
                    + "; the checker cannot tell whether records valid before stay valid");
        }
    }

    private void compareRequired(String file, String path, JsonNode before, JsonNode after) {
        Set<String> requiredBefore = strings(before.get("required"));
        JsonNode propertiesBefore = before.path("properties");
        for (String name : strings(after.get("required"))) {
            if (!requiredBefore.contains(name)) {
                report(file, path + "/properties/" + escape(name), Rule.REQUIRED_ADDED,
                        (propertiesBefore.has(name) ? "property '" + name + "' made required"
                                : "new property '" + name + "' added as required")
                                + "; records written without it stop being valid");
            }
        }
    }

    private void compareProperties(String file, String path, Node before, Node after) {
        JsonNode propertiesAfter = after.json().path("properties");
        Set<String> added = new LinkedHashSet<>(propertiesAfter.propertyNames());
        added.removeAll(before.json().path("properties").propertyNames());
        String renameHint = "; a rename is a removal plus an addition, so it is forbidden too"
                + (added.isEmpty() ? "" : " (added here: " + quoted(added) + ")");
        compareMembers(file, path, "properties", before, after,
                name -> "property '" + name + "' removed" + renameHint);
    }

    private void compareDefs(String file, String path, Node before, Node after) {
        compareMembers(file, path, "$defs", before, after,
                name -> "$def '" + name + "' removed; schemas (here or elsewhere) may $ref it");
    }

    private void compareMembers(String file, String path, String keyword, Node before, Node after,
            Function<String, String> removal) {
        JsonNode membersAfter = after.json().path(keyword);
        before.json().path(keyword).properties().forEach(member -> {
            String memberPath = path + "/" + keyword + "/" + escape(member.getKey());
            JsonNode now = membersAfter.get(member.getKey());
            if (now == null) {
                report(file, memberPath, Rule.REMOVED, removal.apply(member.getKey()));
            }
            else {
                compareSchemas(file, memberPath, before.child(member.getValue()), after.child(now));
            }
        });
    }

    /** An {@code items} added where there was none constrains items that were free: compared against "anything". */
    private void compareItems(String file, String path, Node before, Node after) {
        JsonNode itemsAfter = after.json().get("items");
        if (itemsAfter != null) {
            JsonNode itemsBefore = before.json().get("items");
            compareSchemas(file, path + "/items", before.child(itemsBefore == null ? ANYTHING : itemsBefore),
                    after.child(itemsAfter));
        }
    }

    private void compareClosedness(String file, String path, String keyword, Node before, Node after) {
        JsonNode was = before.json().get(keyword);
        JsonNode is = after.json().get(keyword);
        boolean wasOpen = was == null || (was.isBoolean() && was.booleanValue());
        boolean isOpen = is == null || (is.isBoolean() && is.booleanValue());
        boolean wasClosed = was != null && was.isBoolean() && !was.booleanValue();
        String keywordPath = path + "/" + keyword;
        if (isOpen || wasClosed) {
            return;
        }
        if (wasOpen) {
            report(file, keywordPath, Rule.ADDITIONAL_PROPERTIES_TIGHTENED, "was " + (was == null ? "absent" : was)
                    + ", now " + (is.isBoolean() ? "false" : "a schema")
                    + ": records carrying fields that v1 writers may add are rejected");
        }
        else if (is.isBoolean()) {
            report(file, keywordPath, Rule.ADDITIONAL_PROPERTIES_TIGHTENED, "was a schema, now false");
        }
        else {
            compareSchemas(file, keywordPath, before.child(was), after.child(is));
        }
    }

    // --- oneOf / anyOf / allOf ---

    private void compareBranches(String file, String path, String combinator, Node before, Node after) {
        List<Node> branchesBefore = branches(before, combinator);
        List<Node> branchesAfter = branches(after, combinator);
        if (branchesBefore.isEmpty() && branchesAfter.isEmpty()) {
            return;
        }
        if (branchesBefore.isEmpty()) {
            // Absent, the combinator constrained nothing: as one branch {}, which the new branches are compared to.
            branchesBefore = List.of(before.child(ANYTHING));
        }
        String discriminator = combinator.equals("allOf") ? null : discriminator(branchesBefore, branchesAfter);
        if (discriminator != null) {
            compareBranchesByDiscriminator(file, path + "/" + combinator, discriminator, branchesBefore,
                    branchesAfter);
        }
        else {
            compareBranchesByIndex(file, path + "/" + combinator, combinator, branchesBefore, branchesAfter);
        }
    }

    private void compareBranchesByDiscriminator(String file, String path, String discriminator,
            List<Node> branchesBefore, List<Node> branchesAfter) {
        Map<JsonNode, Integer> indexAfter = new LinkedHashMap<>();
        for (int i = 0; i < branchesAfter.size(); i++) {
            indexAfter.put(discriminatorValue(branchesAfter.get(i), discriminator, this.current), i);
        }
        Set<JsonNode> valuesBefore = new HashSet<>();
        for (int i = 0; i < branchesBefore.size(); i++) {
            JsonNode value = discriminatorValue(branchesBefore.get(i), discriminator, this.baseline);
            valuesBefore.add(value);
            Integer match = indexAfter.get(value);
            if (match == null) {
                report(file, path + "/" + i, Rule.REMOVED, "variant " + discriminator + "=" + quoted(value)
                        + " removed");
            }
            else {
                compareSchemas(file, path + "/" + i, branchesBefore.get(i), branchesAfter.get(match));
            }
        }
        indexAfter.forEach((value, i) -> {
            if (!valuesBefore.contains(value)) {
                report(file, path + "/" + i, Rule.ENUM_WIDENED, "variant " + discriminator + "=" + quoted(value)
                        + " added; v1 readers reject a " + discriminator + " they do not know");
            }
        });
    }

    /**
     * A branch added to {@code allOf} is a new constraint, so it is compared against "anything"; one added to
     * {@code anyOf} without a discriminator is a new alternative, which accepts more; one added to {@code oneOf}
     * also rejects every value that now matches two branches.
     */
    private void compareBranchesByIndex(String file, String path, String combinator, List<Node> branchesBefore,
            List<Node> branchesAfter) {
        for (int i = 0; i < branchesBefore.size(); i++) {
            if (i < branchesAfter.size()) {
                compareSchemas(file, path + "/" + i, branchesBefore.get(i), branchesAfter.get(i));
            }
            else {
                report(file, path + "/" + i, Rule.REMOVED, combinator + " branch " + i + " removed");
            }
        }
        for (int i = branchesBefore.size(); i < branchesAfter.size(); i++) {
            if (combinator.equals("allOf")) {
                compareSchemas(file, path + "/" + i, new Node(file, ANYTHING, null), branchesAfter.get(i));
            }
            else if (combinator.equals("oneOf")) {
                report(file, path + "/" + i, Rule.ONE_OF_BRANCH_ADDED, "oneOf branch " + i + " added without a "
                        + "discriminator: a value that matches two branches is rejected");
            }
        }
    }

    private static List<Node> branches(Node schema, String combinator) {
        return schema.json().path(combinator).values().stream().map(schema::child).toList();
    }

    /** A property that has a {@code const} in every branch, before and after; null when there is none. */
    private String discriminator(List<Node> branchesBefore, List<Node> branchesAfter) {
        if (branchesBefore.isEmpty() || branchesAfter.isEmpty()) {
            return null;
        }
        for (String candidate : resolve(branchesBefore.get(0), this.baseline).json().path("properties")
                .propertyNames()) {
            boolean everywhere = branchesBefore.stream()
                    .allMatch(branch -> discriminatorValue(branch, candidate, this.baseline) != null)
                    && branchesAfter.stream()
                    .allMatch(branch -> discriminatorValue(branch, candidate, this.current) != null);
            if (everywhere) {
                return candidate;
            }
        }
        return null;
    }

    private JsonNode discriminatorValue(Node branch, String property, Map<String, JsonNode> schemas) {
        Node resolved = resolve(branch, schemas);
        JsonNode propertySchema = resolved.json().path("properties").get(property);
        return propertySchema == null ? null : resolve(resolved.child(propertySchema), schemas).json().get("const");
    }

    // --- $ref ---

    private static boolean refersToSameTarget(Node before, Node after) {
        return before.ref() != null && after.ref() != null
                && Target.of(before.file(), before.ref()).equals(Target.of(after.file(), after.ref()));
    }

    /** Follows {@code $ref}s until a schema without one; keywords next to a {@code $ref} are kept on top. */
    private static Node resolve(Node node, Map<String, JsonNode> schemas) {
        Node resolved = node;
        for (int hops = 0; resolved.ref() != null; hops++) {
            Target target = Target.of(resolved.file(), resolved.ref());
            JsonNode document = schemas.get(target.file());
            JsonNode found = document == null ? null : document.at(target.pointer());
            if (found == null || found.isMissingNode() || hops > 32) {
                throw new IllegalArgumentException("cannot resolve $ref '" + resolved.ref() + "' in "
                        + resolved.file());
            }
            resolved = new Node(target.file(), withSiblings(found, resolved.json()), target.toString());
        }
        return resolved;
    }

    private static JsonNode withSiblings(JsonNode target, JsonNode referring) {
        if (referring.size() == 1 || !target.isObject()) {
            return target;
        }
        ObjectNode merged = ((ObjectNode) target).deepCopy();
        referring.properties().forEach(sibling -> {
            if (!sibling.getKey().equals("$ref")) {
                merged.set(sibling.getKey(), sibling.getValue());
            }
        });
        return merged;
    }

    /** Where a {@code $ref} points: a file of the set (the referring one when the ref starts with {@code #}). */
    private record Target(String file, String pointer) {

        static Target of(String referringFile, String ref) {
            int hash = ref.indexOf('#');
            String document = hash < 0 ? ref : ref.substring(0, hash);
            String pointer = hash < 0 ? "" : ref.substring(hash + 1);
            String file = document.isEmpty() ? referringFile : document.substring(document.lastIndexOf('/') + 1);
            return new Target(file, pointer);
        }

        @Override
        public String toString() {
            return this.file + "#" + this.pointer;
        }
    }

    /**
     * A schema with the file it was found in (relative {@code $ref}s resolve against it).
     * @param origin the {@code $ref} target it was reached through, or null
     */
    private record Node(String file, JsonNode json, String origin) {

        Node child(JsonNode schema) {
            return new Node(this.file, schema, null);
        }

        String ref() {
            JsonNode ref = this.json.get("$ref");
            return ref != null && ref.isString() ? ref.asString() : null;
        }

        Node withoutRef() {
            ObjectNode copy = ((ObjectNode) this.json).deepCopy();
            copy.remove("$ref");
            return new Node(this.file, copy, this.origin);
        }
    }

    // --- small helpers ---

    /** The JSON types a schema accepts, from {@code type}, else from its {@code const}/{@code enum}; null: any. */
    private static Set<String> acceptedTypes(JsonNode schema) {
        JsonNode type = schema.get("type");
        if (type != null) {
            return type.isArray() ? strings(type) : new LinkedHashSet<>(List.of(type.asString()));
        }
        Set<JsonNode> values = acceptedValues(schema);
        return values == null ? null
                : values.stream().map(SchemaCompatibility::jsonType)
                        .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** The values a schema's {@code const} or {@code enum} allows; null: no such restriction. */
    private static Set<JsonNode> acceptedValues(JsonNode schema) {
        if (schema.has("const")) {
            return new LinkedHashSet<>(List.of(schema.get("const")));
        }
        JsonNode values = schema.get("enum");
        return values == null ? null : new LinkedHashSet<>(values.values());
    }

    private static boolean covers(Set<String> types, String type) {
        return types.contains(type) || (type.equals("integer") && types.contains("number"));
    }

    private static String jsonType(JsonNode value) {
        if (value.isNull()) {
            return "null";
        }
        if (value.isBoolean()) {
            return "boolean";
        }
        if (value.isIntegralNumber()) {
            return "integer";
        }
        if (value.isNumber()) {
            return "number";
        }
        return value.isString() ? "string" : value.isArray() ? "array" : "object";
    }

    private static Set<String> strings(JsonNode array) {
        Set<String> strings = new LinkedHashSet<>();
        if (array != null) {
            array.values().forEach(value -> strings.add(value.asString()));
        }
        return strings;
    }

    private static String quoted(JsonNode value) {
        return value.isString() ? "'" + value.asString() + "'" : value.toString();
    }

    private static String quoted(Set<?> values) {
        return values.stream().map(value -> value instanceof JsonNode json ? quoted(json) : "'" + value + "'")
                .collect(Collectors.joining(", "));
    }

    /** A JSON pointer token: {@code ~} and {@code /} escaped. */
    private static String escape(String name) {
        return name.replace("~", "~0").replace("/", "~1");
    }

    private void report(String file, String path, Rule rule, String detail) {
        this.violations.add(new Violation(file, path, rule, detail));
    }
}

package io.crewstream.schemas;

/**
 * The version of the record shapes on crewstream's topics.
 *
 * <p>Evolution rule: within a version the contract is additive only. New optional fields and looser constraints may
 * appear at any time, and readers ignore fields they do not know. Removing or renaming a field, making an optional
 * field required, changing a field's type or meaning, adding or removing a value of a closed enum (readers reject a
 * value they do not know), or tightening {@code additionalProperties} or a constraint is a breaking change
 * that takes a new version, new JSON Schemas under {@code crewstream/schemas/v<N>} and new topic names (suffix
 * {@code .v<N>}), so that old and new producers never share a topic. The build checks the rule against the released
 * schemas ({@code SchemaCompatibilityTest}).
 */
public final class SchemaVersion {

    /** The version this library writes and the only one it reads. */
    public static final int CURRENT = 1;

    private SchemaVersion() {
    }

    /**
     * Checks the {@code schemaVersion} of a record being constructed (by a producer or by the deserializer).
     * @return the version, for use in a record's canonical constructor
     */
    public static int require(Integer version, String recordName) {
        if (version == null) {
            throw new MissingFieldException(recordName, "schemaVersion");
        }
        if (version != CURRENT) {
            throw new UnsupportedSchemaVersionException(recordName, version);
        }
        return version;
    }
}

package io.crewstream.schemas;

/**
 * A record written under a {@code schemaVersion} this reader does not know. Within one version the contract only
 * grows by optional fields, so a reader never has to guess; a new version means a breaking change and a new topic.
 */
public class UnsupportedSchemaVersionException extends ContractViolationException {

    private final int version;

    public UnsupportedSchemaVersionException(String recordName, int version) {
        super(recordName + ": schemaVersion " + version + " is not supported by this reader (supported: "
                + SchemaVersion.CURRENT + "); upgrade crewstream-schemas");
        this.version = version;
    }

    public int version() {
        return this.version;
    }
}

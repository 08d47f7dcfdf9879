package io.crewstream.schemas;

/** A required field of a contract record is absent, null or blank. */
public class MissingFieldException extends ContractViolationException {

    private final String recordName;
    private final String fieldName;

    public MissingFieldException(String recordName, String fieldName) {
        super(recordName + ": required field '" + fieldName + "' is missing");
        this.recordName = recordName;
        this.fieldName = fieldName;
    }

    public String recordName() {
        return this.recordName;
    }

    public String fieldName() {
        return this.fieldName;
    }
}

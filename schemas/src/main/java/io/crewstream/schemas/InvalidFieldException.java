package io.crewstream.schemas;

/** A field of a contract record is present but breaks a rule of the contract (range, format, consistency). */
public class InvalidFieldException extends ContractViolationException {

    public InvalidFieldException(String recordName, String fieldName, String problem) {
        super(recordName + ": field '" + fieldName + "' " + problem);
    }
}

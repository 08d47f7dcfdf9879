package io.crewstream.schemas;

/** The bytes are not JSON, or not JSON of the expected shape (wrong type, unknown record type, trailing data). */
public class MalformedRecordException extends ContractViolationException {

    public MalformedRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}

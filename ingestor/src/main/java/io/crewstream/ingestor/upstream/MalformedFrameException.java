package io.crewstream.ingestor.upstream;

/** An inbound text message that is not a protocol frame: not JSON, not an object, or missing what its type needs. */
class MalformedFrameException extends Exception {

    MalformedFrameException(String message) {
        super(message);
    }
}

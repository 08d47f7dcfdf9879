package io.crewstream.ingestor.config;

import java.util.List;

/** The configuration has problems; every one of them is listed, one line each, none showing a token. */
public class InvalidIngestorConfigException extends RuntimeException {

    private final List<String> problems;

    public InvalidIngestorConfigException(List<String> problems) {
        super("Invalid crewstream.ingestor configuration:" + System.lineSeparator() + "  - "
                + String.join(System.lineSeparator() + "  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return this.problems;
    }
}

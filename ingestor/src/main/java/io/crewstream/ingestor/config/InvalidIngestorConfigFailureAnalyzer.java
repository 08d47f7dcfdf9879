package io.crewstream.ingestor.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a configuration problem list into Spring Boot's "APPLICATION FAILED TO START" report, without a trace. */
class InvalidIngestorConfigFailureAnalyzer extends AbstractFailureAnalyzer<InvalidIngestorConfigException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidIngestorConfigException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Fix the properties above (see ingestor/README.md for every property and its environment variable).",
                cause);
    }
}

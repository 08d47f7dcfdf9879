package io.crewstream.schemas.compat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import io.crewstream.schemas.serde.ContractJson;
import tools.jackson.databind.JsonNode;

/**
 * A set of JSON Schemas as {@link SchemaCompatibility} takes it: file name to parsed schema. Read from a classpath
 * folder; every {@code *.schema.json} in it is part of the set, so a schema added later is picked up without a list
 * to keep up to date.
 */
final class SchemaSets {

    private static final String SUFFIX = ".schema.json";

    private SchemaSets() {
    }

    /**
     * @param folder a classpath folder that is a directory (tests run from {@code target/}), e.g.
     * {@code crewstream/schemas/v1/}
     */
    static Map<String, JsonNode> fromClasspath(String folder) {
        Path directory = directory(folder);
        try (Stream<Path> files = Files.list(directory)) {
            Map<String, JsonNode> schemas = new TreeMap<>();
            files.filter(file -> file.getFileName().toString().endsWith(SUFFIX))
                    .forEach(file -> schemas.put(file.getFileName().toString(), read(file)));
            return schemas;
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    /** A copy whose trees can be edited without touching the original. */
    static Map<String, JsonNode> deepCopy(Map<String, JsonNode> schemas) {
        Map<String, JsonNode> copy = new TreeMap<>();
        schemas.forEach((file, schema) -> copy.put(file, schema.deepCopy()));
        return copy;
    }

    private static Path directory(String folder) {
        URL url = SchemaSets.class.getClassLoader().getResource(folder);
        if (url == null) {
            throw new IllegalStateException("No classpath folder " + folder);
        }
        try {
            return Path.of(url.toURI());
        }
        catch (URISyntaxException ex) {
            throw new IllegalStateException("Unusable classpath folder " + url, ex);
        }
    }

    private static JsonNode read(Path file) {
        try {
            return ContractJson.mapper().readTree(Files.readAllBytes(file));
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

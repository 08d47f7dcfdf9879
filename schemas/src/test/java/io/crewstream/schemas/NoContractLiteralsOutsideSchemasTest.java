package io.crewstream.schemas;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.SseEventType;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed failed because the backend spelt an event {@code sessions} and the browser listened for
 * {@code sessions-refresh}. Names that cross a process boundary are spelt once, in this module: no other module's
 * production code or resources may contain a topic name, an SSE event name or a refusal code as a literal. Tests and
 * docs may.
 */
class NoContractLiteralsOutsideSchemasTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();

    @Test
    void noTopicOrEventNameIsSpeltOutsideTheSchemasModule() throws IOException {
        List<String> names = new ArrayList<>();
        for (Topic topic : Topic.values()) {
            names.add(topic.baseName());
        }
        for (CoordinationTopic topic : CoordinationTopic.values()) {
            names.add(topic.baseName());
            names.add(topic.groupBaseName());
        }
        for (SseEventType event : SseEventType.values()) {
            names.add('"' + event.eventName() + '"');
            names.add('\'' + event.eventName() + '\'');
        }
        // A page decides by a refusal's code (renew the token, or not): spelt here, served to pages by contract.js.
        for (AuthRefusal refusal : AuthRefusal.values()) {
            names.add('"' + refusal.code() + '"');
            names.add('\'' + refusal.code() + '\'');
        }

        List<String> offences = new ArrayList<>();
        for (Path file : productionFilesOutsideSchemas()) {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            for (String name : names) {
                if (text.contains(name)) {
                    offences.add(REPOSITORY.relativize(file) + " spells " + name);
                }
            }
        }

        assertThat(productionFilesOutsideSchemas()).as("the scan must see the other modules' sources").isNotEmpty();
        assertThat(offences).as("use Topic / SseEventType / AuthRefusal from crewstream-schemas instead").isEmpty();
    }

    private static List<Path> productionFilesOutsideSchemas() throws IOException {
        try (Stream<Path> modules = Files.list(REPOSITORY)) {
            return modules
                    .filter(module -> !module.getFileName().toString().equals("schemas"))
                    .flatMap(NoContractLiteralsOutsideSchemasTest::withNestedModules)
                    .map(module -> module.resolve("src/main"))
                    .filter(Files::isDirectory)
                    .flatMap(NoContractLiteralsOutsideSchemasTest::filesUnder)
                    .toList();
        }
    }

    /** A top-level folder and the folders in it, which may be modules too ({@code examples/agent-usage}). */
    private static Stream<Path> withNestedModules(Path folder) {
        if (!Files.isDirectory(folder)) {
            return Stream.of(folder);
        }
        try (Stream<Path> children = Files.list(folder)) {
            return Stream.concat(Stream.of(folder), children.filter(Files::isDirectory).toList().stream());
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }

    private static Stream<Path> filesUnder(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).toList().stream();
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

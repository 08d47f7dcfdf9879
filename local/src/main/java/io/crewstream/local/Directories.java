package io.crewstream.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Deleting a directory tree: the launcher's {@code --fresh}, and the commands' temporary copy of the kept data. */
public final class Directories {

    private Directories() {
    }

    /**
     * Deletes {@code directory} and everything under it; nothing when it does not exist.
     * @throws UncheckedIOException when some of it cannot be deleted
     */
    public static void deleteRecursively(Path directory) {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(directory)) {
            // Deepest first: a directory is empty by the time its turn comes.
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Cannot delete " + directory, ex);
        }
    }
}

package io.crewstream.local.support;

import java.util.ArrayList;
import java.util.List;

import io.crewstream.local.apps.EmbeddedApp;

/**
 * What a pipeline test started (simulators, apps, clients), stopped in reverse order of starting by {@link #close()},
 * which a test calls from its {@code @AfterEach}. Not thread-safe: the test's thread starts and stops everything.
 */
public final class RunningParts implements AutoCloseable {

    private final List<AutoCloseable> parts = new ArrayList<>();

    /** Something already running, to be closed with the rest. */
    public <T extends AutoCloseable> T add(T part) {
        this.parts.add(part);
        return part;
    }

    /** Starts the app; it is stopped with the rest. */
    public EmbeddedApp start(EmbeddedApp app) {
        app.start();
        this.parts.add(app::stop);
        return app;
    }

    @Override
    public void close() throws Exception {
        for (int i = this.parts.size() - 1; i >= 0; i--) {
            this.parts.get(i).close();
        }
        this.parts.clear();
    }
}

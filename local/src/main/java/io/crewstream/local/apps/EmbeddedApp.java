package io.crewstream.local.apps;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.Banner;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.boot.env.PropertySourceLoader;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.UrlResource;

/**
 * One crewstream Spring Boot app (ingestor, projector or SSE gateway) run as its own application context inside
 * this JVM, configured as if it ran alone.
 *
 * <p>All apps share one class path, where {@code application.properties} of the ingestor would hide the projector's
 * (same name, first one wins). So each app is told to look for no config file at all, and its own
 * {@code application.properties} / {@code application.yml} (read from the jar or folder its main class comes from)
 * becomes its default properties: environment variables still override them, exactly as when the app runs alone.
 * The launcher's settings are passed as command-line arguments, above everything else.
 *
 * <p>Threading: {@link #start()} and {@link #stop()} are called by one thread at a time (the launcher's or a
 * test's); the app runs on its own threads.
 */
public final class EmbeddedApp {

    /** A name no config file has: the shared class path's {@code application.*} files are never read. */
    private static final String NO_CONFIG_FILE = "crewstream-local-no-config-file";

    private static final List<String> OWN_CONFIG_FILES = List.of("application.properties", "application.yml");

    private final String name;
    private final Class<?> applicationClass;
    private final Map<String, String> settings;

    private volatile ConfigurableApplicationContext context;

    /**
     * @param name how progress lines and errors call this app
     * @param applicationClass the app's {@code @SpringBootApplication} class
     * @param settings properties forced by the launcher, above environment variables
     */
    public EmbeddedApp(String name, Class<?> applicationClass, Map<String, String> settings) {
        this.name = name;
        this.applicationClass = applicationClass;
        this.settings = Map.copyOf(settings);
    }

    /** This app, not started, with one more setting (replacing one of the same name). */
    public EmbeddedApp with(String property, String value) {
        Map<String, String> settings = new LinkedHashMap<>(this.settings);
        settings.put(property, value);
        return new EmbeddedApp(this.name, this.applicationClass, settings);
    }

    /** Starts the app's context; returns once it is refreshed (its lifecycle beans started). */
    public void start() {
        if (this.context != null) {
            return;
        }
        SpringApplication application = new SpringApplication(this.applicationClass);
        application.setBannerMode(Banner.Mode.OFF);
        // The launcher stops the apps in order from its own shutdown hook; one hook per app would race.
        application.setRegisterShutdownHook(false);
        application.setDefaultProperties(ownDefaults());
        this.context = application.run(arguments());
    }

    /** Closes the context: the app stops its lifecycle beans and releases its port. */
    public void stop() {
        ConfigurableApplicationContext context = this.context;
        if (context == null) {
            return;
        }
        this.context = null;
        context.close();
    }

    public String name() {
        return this.name;
    }

    /** A property the launcher set for this app, or {@code null}. */
    public String setting(String property) {
        return this.settings.get(property);
    }

    public boolean isRunning() {
        ConfigurableApplicationContext context = this.context;
        return context != null && context.isActive();
    }

    /** The running context. */
    public ConfigurableApplicationContext context() {
        ConfigurableApplicationContext context = this.context;
        if (context == null) {
            throw new IllegalStateException(this.name + " is not running");
        }
        return context;
    }

    /** A bean of the running app. */
    public <T> T bean(Class<T> type) {
        return context().getBean(type);
    }

    /** The HTTP port the app listens on (the actual one when configured as 0). */
    public int port() {
        String port = context().getEnvironment().getProperty("local.server.port");
        if (port == null) {
            throw new IllegalStateException(this.name + " has no web server");
        }
        return Integer.parseInt(port);
    }

    private String[] arguments() {
        List<String> arguments = new ArrayList<>();
        arguments.add("--spring.config.name=" + NO_CONFIG_FILE);
        // The launcher's own shutdown hook logs until the very end; logback must not stop before it.
        arguments.add("--logging.register-shutdown-hook=false");
        // Startup lines would name the launcher's main class for every app; the launcher reports progress itself.
        arguments.add("--spring.main.log-startup-info=false");
        // The log pattern would carry the name of whichever app configured logging last, i.e. a wrong one.
        arguments.add("--logging.include-application-name=false");
        this.settings.forEach((key, value) -> arguments.add("--" + key + "=" + value));
        return arguments.toArray(String[]::new);
    }

    private Map<String, Object> ownDefaults() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        for (String file : OWN_CONFIG_FILES) {
            UrlResource resource = new UrlResource(ownResource(file));
            if (!resource.exists()) {
                continue;
            }
            PropertySourceLoader loader = file.endsWith(".yml") ? new YamlPropertySourceLoader()
                    : new PropertiesPropertySourceLoader();
            try {
                for (PropertySource<?> source : loader.load(this.name + " " + file, resource)) {
                    if (source instanceof EnumerablePropertySource<?> enumerable) {
                        for (String property : enumerable.getPropertyNames()) {
                            defaults.putIfAbsent(property, String.valueOf(enumerable.getProperty(property)));
                        }
                    }
                }
            }
            catch (IOException ex) {
                throw new UncheckedIOException("Cannot read " + resource, ex);
            }
        }
        return defaults;
    }

    /** {@code file} next to the app's main class: in the same jar, or the same classes folder. */
    private URL ownResource(String file) {
        String classFile = this.applicationClass.getName().replace('.', '/') + ".class";
        URL classUrl = this.applicationClass.getClassLoader().getResource(classFile);
        if (classUrl == null) {
            throw new IllegalStateException("Cannot locate " + classFile);
        }
        String url = classUrl.toString();
        try {
            return new URL(url.substring(0, url.length() - classFile.length()) + file);
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
    }
}

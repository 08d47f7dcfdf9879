package io.crewstream.runtime;

import java.util.LinkedHashMap;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.config.ConfigDataEnvironmentPostProcessor;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.logging.DeferredLogFactory;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

/**
 * The one place where crewstream translates configuration keys, applied the same way to every app (registered in
 * this module's {@code META-INF/spring.factories}):
 *
 * <ul>
 * <li>the platform's variables every app honours: {@code KAFKA_BOOTSTRAP_SERVERS} is
 * {@code crewstream.kafka.bootstrap-servers} and {@code PORT} is {@code server.port}. They rank right below the
 * system environment: an explicit {@code CREWSTREAM_KAFKA_BOOTSTRAPSERVERS} or {@code SERVER_PORT} (and anything
 * given on the command line) wins over them, and they win over the app's own {@code application.properties};</li>
 * <li>the keys of the previous release ({@link #DEPRECATED}, old → new): an old key still configures the app, in any
 * of its spellings (property, environment variable), and one WARN per old key says where it was set and which key
 * replaces it. When the new key is set too, the new one wins and the warning says that the old one is ignored.
 * Values are never logged: a key may hold a secret.</li>
 * </ul>
 *
 * <p>Runs once per application context, on the thread that starts it, after the config files are loaded.
 */
public final class ConfigurationKeys implements EnvironmentPostProcessor, Ordered {

    /** The property source holding the platform's variables under their crewstream keys. */
    public static final String PLATFORM_VARIABLES_SOURCE = "crewstreamPlatformVariables";

    /** The property source holding the values of deprecated keys under their new keys. */
    public static final String DEPRECATED_KEYS_SOURCE = "crewstreamDeprecatedKeys";

    /** Environment variable → the key it sets. */
    public static final Map<String, String> PLATFORM_VARIABLES = Map.of(
            "KAFKA_BOOTSTRAP_SERVERS", KafkaSettings.PREFIX + ".bootstrap-servers",
            "PORT", "server.port");

    /** Old key → new key, in the order they are looked at. Kept for one release (the one after 0.1), then removed with this table's entries. */
    static final Map<String, String> DEPRECATED = deprecated();

    private final Log log;

    public ConfigurationKeys(DeferredLogFactory logs) {
        this.log = logs.getLog(ConfigurationKeys.class);
    }

    @Override
    public int getOrder() {
        // After the config files are loaded, so that an old key in application.properties is seen too.
        return ConfigDataEnvironmentPostProcessor.ORDER + 1;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        addPlatformVariables(environment);
        Map<String, Object> replaced = new LinkedHashMap<>();
        Map<String, String> replacedBy = new LinkedHashMap<>();
        DEPRECATED.forEach((oldKey, newKey) -> {
            ConfigurationProperty old = find(environment, oldKey);
            if (old == null) {
                return;
            }
            String where = oldKey + " (" + origin(old) + ")";
            if (find(environment, newKey) != null) {
                this.log.warn("Configuration key " + where + " is deprecated and ignored: " + newKey
                        + " is set too and wins. Remove " + oldKey + ".");
            }
            else if (replacedBy.containsKey(newKey)) {
                // Several apps' old keys in one environment (one shell for all apps): the first in the table counts.
                this.log.warn("Configuration key " + where + " is deprecated and ignored: "
                        + replacedBy.get(newKey) + " already stands for " + newKey + ". Set " + newKey + " instead.");
            }
            else {
                replaced.put(newKey, old.getValue());
                replacedBy.put(newKey, oldKey);
                this.log.warn("Configuration key " + where + " is deprecated: use " + newKey
                        + " instead. The old key works for this release only.");
            }
        });
        if (!replaced.isEmpty()) {
            environment.getPropertySources().addLast(new MapPropertySource(DEPRECATED_KEYS_SOURCE, replaced));
        }
    }

    private static void addPlatformVariables(ConfigurableEnvironment environment) {
        PropertySource<?> system = environment.getPropertySources()
                .get(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME);
        if (system == null) {
            return;
        }
        Map<String, Object> values = new LinkedHashMap<>();
        PLATFORM_VARIABLES.forEach((variable, key) -> {
            Object value = system.getProperty(variable);
            if (value != null && !value.toString().isBlank()) {
                values.put(key, value);
            }
        });
        if (!values.isEmpty()) {
            environment.getPropertySources().addAfter(system.getName(),
                    new MapPropertySource(PLATFORM_VARIABLES_SOURCE, values));
        }
    }

    /** Where a value was set: the file and line, the environment variable, or at least the property source. */
    private static String origin(ConfigurationProperty property) {
        if (property.getOrigin() != null) {
            return property.getOrigin().toString();
        }
        Object source = property.getSource().getUnderlyingSource();
        return "in " + ((source instanceof PropertySource<?> named) ? named.getName() : String.valueOf(source));
    }

    /** The key's value where it is set with the highest precedence, in any spelling; {@code null} when unset. */
    private static ConfigurationProperty find(ConfigurableEnvironment environment, String key) {
        ConfigurationPropertyName name = ConfigurationPropertyName.of(key);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(environment)) {
            ConfigurationProperty property = source.getConfigurationProperty(name);
            if (property != null) {
                return property;
            }
        }
        return null;
    }

    private static Map<String, String> deprecated() {
        Map<String, String> table = new LinkedHashMap<>();
        String[] shared = { "bootstrap-servers", "topic-prefix", "partitions", "replication-factor",
                "min-insync-replicas" };
        for (String key : shared) {
            table.put("crewstream.ingestor.kafka." + key, KafkaSettings.PREFIX + "." + key);
            table.put("crewstream.projector." + key, KafkaSettings.PREFIX + "." + key);
            table.put("crewstream.agent-usage." + key, KafkaSettings.PREFIX + "." + key);
        }
        table.put("crewstream.sse.bootstrap-servers", KafkaSettings.PREFIX + ".bootstrap-servers");
        table.put("crewstream.sse.topic-prefix", KafkaSettings.PREFIX + ".topic-prefix");
        return java.util.Collections.unmodifiableMap(table);
    }
}

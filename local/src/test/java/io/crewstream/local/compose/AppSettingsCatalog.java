package io.crewstream.local.compose;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crewstream.runtime.ConfigurationKeys;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Which environment variables an app actually reads, derived from the app itself rather than from its docs: the
 * properties of its {@code @ConfigurationProperties} records (walked by reflection, nested records and list
 * indexes included), Spring Boot's own properties (from the configuration metadata Boot ships), and the variables
 * its own {@code application.*} file names in {@code ${...}} placeholders, and the platform's variables every
 * crewstream app honours ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code PORT}: {@link ConfigurationKeys}). A variable is accepted when Spring Boot's
 * own environment-variable mapping binds it to one of those properties, so the check is exactly as relaxed as the
 * real binding, no more.
 */
final class AppSettingsCatalog {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::[^}]*)?}");
    private static final int LIST_INDEXES = 10;
    /** Read by the JVM itself, not by Spring. */
    private static final Set<String> JVM_VARIABLES = Set.of("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS");

    private final Class<?> applicationClass;
    private final List<ConfigurationPropertyName> properties;
    private final Set<String> placeholderVariables;

    private AppSettingsCatalog(Class<?> applicationClass, List<ConfigurationPropertyName> properties,
            Set<String> placeholderVariables) {
        this.applicationClass = applicationClass;
        this.properties = properties;
        this.placeholderVariables = placeholderVariables;
    }

    /** The catalog of the app whose {@code @SpringBootApplication} class is given. */
    static AppSettingsCatalog of(Class<?> applicationClass, List<Class<?>> propertiesRecords) {
        List<ConfigurationPropertyName> properties = new ArrayList<>();
        for (Class<?> record : propertiesRecords) {
            ConfigurationProperties annotation = record.getAnnotation(ConfigurationProperties.class);
            if (annotation == null) {
                throw new IllegalArgumentException(record + " is not a @ConfigurationProperties class");
            }
            String prefix = annotation.prefix().isEmpty() ? annotation.value() : annotation.prefix();
            collect(prefix, record, properties);
        }
        for (String name : springBootPropertyNames()) {
            properties.add(ConfigurationPropertyName.of(name));
        }
        return new AppSettingsCatalog(applicationClass, properties, placeholderVariables(applicationClass));
    }

    /** Whether the app reads this environment variable. */
    boolean reads(String variable) {
        if (JVM_VARIABLES.contains(variable) || this.placeholderVariables.contains(variable)
                || ConfigurationKeys.PLATFORM_VARIABLES.containsKey(variable)) {
            return true;
        }
        ConfigurationPropertySource source = ConfigurationPropertySource.from(
                environment(variable));
        for (ConfigurationPropertyName property : this.properties) {
            if (source.getConfigurationProperty(property) != null) {
                return true;
            }
        }
        return false;
    }

    /** The property an environment variable binds to, e.g. {@code crewstream.ingestor.upstreams[0].token-env}. */
    String propertyOf(String variable) {
        ConfigurationPropertySource source = ConfigurationPropertySource.from(
                environment(variable));
        for (ConfigurationPropertyName property : this.properties) {
            if (source.getConfigurationProperty(property) != null) {
                return property.toString();
            }
        }
        return null;
    }

    /** Named like the real one: Spring Boot applies its environment-variable mapping by source name. */
    private static SystemEnvironmentPropertySource environment(String variable) {
        return new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                Map.of(variable, "value"));
    }

    Class<?> applicationClass() {
        return this.applicationClass;
    }

    private static void collect(String prefix, Class<?> type, List<ConfigurationPropertyName> into) {
        for (RecordComponent component : type.getRecordComponents()) {
            String name = prefix + "." + kebab(component.getName());
            Class<?> valueType = component.getType();
            if (valueType.isRecord()) {
                collect(name, valueType, into);
            }
            else if (List.class.isAssignableFrom(valueType) && elementType(component.getGenericType()).isRecord()) {
                for (int i = 0; i < LIST_INDEXES; i++) {
                    collect(name + "[" + i + "]", elementType(component.getGenericType()), into);
                }
            }
            else {
                into.add(ConfigurationPropertyName.of(name));
            }
        }
    }

    private static Class<?> elementType(Type type) {
        if (type instanceof ParameterizedType parameterized
                && parameterized.getActualTypeArguments()[0] instanceof Class<?> element) {
            return element;
        }
        return Object.class;
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static Set<String> springBootPropertyNames() {
        Set<String> names = new LinkedHashSet<>();
        JsonMapper json = JsonMapper.builder().build();
        try {
            for (URL metadata : Collections.list(AppSettingsCatalog.class.getClassLoader()
                    .getResources("META-INF/spring-configuration-metadata.json"))) {
                try (InputStream in = metadata.openStream()) {
                    for (JsonNode property : json.readTree(in).path("properties")) {
                        String name = property.path("name").asString();
                        // Map-valued properties (e.g. logging.level) end in a key of the user's choosing.
                        if (ConfigurationPropertyName.isValid(name)) {
                            names.add(name);
                        }
                    }
                }
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        return names;
    }

    private static Set<String> placeholderVariables(Class<?> applicationClass) {
        Set<String> variables = new LinkedHashSet<>();
        String classFile = applicationClass.getName().replace('.', '/') + ".class";
        String classUrl = applicationClass.getClassLoader().getResource(classFile).toString();
        String root = classUrl.substring(0, classUrl.length() - classFile.length());
        for (String file : List.of("application.properties", "application.yml", "application.yaml")) {
            try (InputStream in = new URL(root + file).openStream()) {
                Matcher matcher = PLACEHOLDER.matcher(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                while (matcher.find()) {
                    variables.add(matcher.group(1));
                }
            }
            catch (IOException ex) {
                // The app has no such file.
            }
        }
        return variables;
    }
}

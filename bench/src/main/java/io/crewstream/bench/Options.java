package io.crewstream.bench;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@code --name value} command-line options of a scenario, with typed getters and defaults. Not thread-safe. */
public final class Options {

    private final Map<String, String> values;

    private Options(Map<String, String> values) {
        this.values = values;
    }

    public static Options parse(String[] args, int from) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            String name = args[i];
            if (!name.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected '--name value' pairs but got '" + name + "'");
            }
            values.put(name.substring(2), args[++i]);
        }
        return new Options(values);
    }

    public int integer(String name, int defaultValue) {
        String value = this.values.get(name);
        return (value != null) ? Integer.parseInt(value.replace("_", "")) : defaultValue;
    }

    public Duration seconds(String name, int defaultSeconds) {
        return Duration.ofSeconds(integer(name, defaultSeconds));
    }

    public String text(String name, String defaultValue) {
        return this.values.getOrDefault(name, defaultValue);
    }

    /**
     * A comma-separated list of Spring properties ({@code a.b=1,c[d]=2}) as command-line arguments for a service
     * ({@code --a.b=1 --c[d]=2}); empty when the option is absent.
     */
    public String[] springArguments(String name) {
        return Arrays.stream(text(name, "").split(",")).map(String::trim).filter(property -> !property.isEmpty())
                .map(property -> "--" + property).toArray(String[]::new);
    }

    public Map<String, String> asMap() {
        return Map.copyOf(this.values);
    }
}

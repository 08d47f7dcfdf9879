package io.crewstream.local.tools;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.crewstream.local.cli.UsageException;

/**
 * The arguments of one command: positional values and {@code --name value} options, checked against the options
 * the command knows. Immutable once parsed.
 */
final class ToolArgs {

    private final List<String> positional;

    private final Map<String, String> options;

    private ToolArgs(List<String> positional, Map<String, String> options) {
        this.positional = List.copyOf(positional);
        this.options = Map.copyOf(options);
    }

    /**
     * @param known the options this command takes, without their dashes
     * @param flags those of them that take no value (present means "yes")
     * @throws UsageException for an unknown option, one without its value, or one given twice
     */
    static ToolArgs parse(List<String> args, Set<String> known, Set<String> flags) {
        List<String> positional = new ArrayList<>();
        Map<String, String> options = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("--")) {
                positional.add(arg);
                continue;
            }
            String name = arg.substring(2);
            String value = null;
            int equals = name.indexOf('=');
            if (equals >= 0) {
                value = name.substring(equals + 1);
                name = name.substring(0, equals);
            }
            if (!known.contains(name)) {
                throw new UsageException("unknown option '--" + name + "'");
            }
            if (flags.contains(name)) {
                if (value != null) {
                    throw new UsageException("--" + name + " takes no value");
                }
                value = "true";
            }
            if (value == null) {
                if (i + 1 >= args.size() || args.get(i + 1).startsWith("--")) {
                    throw new UsageException("--" + name + " needs a value");
                }
                value = args.get(++i);
            }
            if (options.put(name, value) != null) {
                throw new UsageException("--" + name + " is given twice");
            }
        }
        return new ToolArgs(positional, options);
    }

    boolean flag(String name) {
        return this.options.containsKey(name);
    }

    String option(String name) {
        return this.options.get(name);
    }

    String option(String name, String fallback) {
        return this.options.getOrDefault(name, fallback);
    }

    String required(String name) {
        String value = this.options.get(name);
        if (value == null || value.isBlank()) {
            throw new UsageException("--" + name + " is required");
        }
        return value;
    }

    /** Exactly {@code count} positional values, named for the message when they are not there. */
    List<String> positional(int count, String names) {
        if (this.positional.size() != count) {
            throw new UsageException("expects " + names + (this.positional.isEmpty() ? ""
                    : "; got '" + String.join(" ", this.positional) + "'"));
        }
        return this.positional;
    }

    /** One of {@code allowed}; {@code fallback} when absent. */
    String choice(String name, List<String> allowed, String fallback) {
        String value = option(name, fallback);
        if (!allowed.contains(value)) {
            throw new UsageException("--" + name + " must be one of " + String.join(", ", allowed) + ", not '"
                    + value + "'");
        }
        return value;
    }
}

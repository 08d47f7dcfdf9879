package io.crewstream.schemas;

import java.util.regex.Pattern;

/**
 * A prefix put in front of every {@link Topic} name, so that several pipelines (or test cases) can share one
 * cluster. The default namespace is empty: topic names are then exactly {@link Topic#baseName()}.
 */
public record TopicNamespace(String prefix) {

    // Declared before DEFAULT: static initializers run in order and the constructor needs it.
    private static final Pattern LEGAL = Pattern.compile("[a-zA-Z0-9._-]*");

    public static final TopicNamespace DEFAULT = new TopicNamespace("");

    public TopicNamespace {
        if (prefix == null || !LEGAL.matcher(prefix).matches() || prefix.length() > 100) {
            throw new IllegalArgumentException("Topic namespace prefix must be at most 100 characters of "
                    + "a-z, A-Z, 0-9, '.', '_' or '-' but was '" + prefix + "'");
        }
    }

    public String name(Topic topic) {
        return this.prefix + topic.baseName();
    }

    public String name(CoordinationTopic topic) {
        return this.prefix + topic.baseName();
    }

    /** The id of the consumer group that shares out {@code topic}'s partitions, in this namespace. */
    public String groupId(CoordinationTopic topic) {
        return this.prefix + topic.groupBaseName();
    }
}

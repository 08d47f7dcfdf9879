package io.crewstream.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.Topic;

/**
 * The topics one app needs, each with the partition count it is created with when missing, and the groups of them
 * that must have equal partition counts because the app (or one downstream) joins them per key. Each app keeps its
 * plan next to its code; {@link TopicProvisioner} carries it out. Immutable: each method returns a new plan.
 *
 * @param partitions every topic of the plan with its partition count, in the order they are created
 * @param coPartitioned groups of topics that must have one partition count, whoever created them
 * @param create whether missing topics are created; without it, the plan is only checked
 */
public record TopicPlan(Map<Topic, Integer> partitions, List<List<Topic>> coPartitioned, boolean create) {

    public TopicPlan {
        partitions = Collections.unmodifiableMap(new LinkedHashMap<>(partitions));
        coPartitioned = List.copyOf(coPartitioned.stream().map(List::copyOf).toList());
    }

    /** A plan with no topic yet, creating what is missing. */
    public static TopicPlan empty() {
        return new TopicPlan(Map.of(), List.of(), true);
    }

    /** This plan and {@code topics}, each created with {@code count} partitions. */
    public TopicPlan with(int count, List<Topic> topics) {
        Map<Topic, Integer> all = new LinkedHashMap<>(this.partitions);
        topics.forEach(topic -> all.put(topic, count));
        return new TopicPlan(all, this.coPartitioned, this.create);
    }

    /** This plan and {@code topics}, created with {@code count} partitions, which must keep one count. */
    public TopicPlan withCoPartitioned(int count, List<Topic> topics) {
        List<List<Topic>> groups = new ArrayList<>(this.coPartitioned);
        groups.add(topics);
        return new TopicPlan(with(count, topics).partitions(), groups, this.create);
    }

    /** This plan, only checked: a missing topic is an error (created by an operator, or by another app). */
    public TopicPlan checkOnly() {
        return new TopicPlan(this.partitions, this.coPartitioned, false);
    }
}

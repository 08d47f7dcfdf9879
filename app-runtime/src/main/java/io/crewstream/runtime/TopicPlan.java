package io.crewstream.runtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.CoordinationTopic;
import io.crewstream.schemas.Topic;

/**
 * The topics one app needs, each with the partition count it is created with when missing, and the groups of them
 * that must have equal partition counts because the app (or one downstream) joins them per key. Each app keeps its
 * plan next to its code; {@link TopicProvisioner} carries it out. Immutable: each method returns a new plan.
 *
 * @param partitions every topic of the plan with its partition count, in the order they are created
 * @param coPartitioned groups of topics that must have one partition count, whoever created them
 * @param create whether missing topics are created; without it, the plan is only checked
 * @param coordination coordination topics ({@link CoordinationTopic}) with the partitions they need at least: created
 *     with that many when missing, grown to it when they have fewer (more are left alone); only when {@code create}
 */
public record TopicPlan(Map<Topic, Integer> partitions, List<List<Topic>> coPartitioned, boolean create,
        Map<CoordinationTopic, Integer> coordination) {

    public TopicPlan {
        partitions = Collections.unmodifiableMap(new LinkedHashMap<>(partitions));
        coPartitioned = List.copyOf(coPartitioned.stream().map(List::copyOf).toList());
        coordination = Collections.unmodifiableMap(new LinkedHashMap<>(coordination));
    }

    public TopicPlan(Map<Topic, Integer> partitions, List<List<Topic>> coPartitioned, boolean create) {
        this(partitions, coPartitioned, create, Map.of());
    }

    /** A plan with no topic yet, creating what is missing. */
    public static TopicPlan empty() {
        return new TopicPlan(Map.of(), List.of(), true);
    }

    /** This plan and {@code topics}, each created with {@code count} partitions. */
    public TopicPlan with(int count, List<Topic> topics) {
        Map<Topic, Integer> all = new LinkedHashMap<>(this.partitions);
        topics.forEach(topic -> all.put(topic, count));
        return new TopicPlan(all, this.coPartitioned, this.create, this.coordination);
    }

    /** This plan and {@code topics}, created with {@code count} partitions, which must keep one count. */
    public TopicPlan withCoPartitioned(int count, List<Topic> topics) {
        List<List<Topic>> groups = new ArrayList<>(this.coPartitioned);
        groups.add(topics);
        return new TopicPlan(with(count, topics).partitions(), groups, this.create, this.coordination);
    }

    /** This plan, only checked: a missing topic is an error (created by an operator, or by another app). */
    public TopicPlan checkOnly() {
        return new TopicPlan(this.partitions, this.coPartitioned, false, this.coordination);
    }

    /**
     * This plan and a coordination topic with at least {@code minimum} partitions: created with that many, or grown to
     * it (a group dividing the partitions among its members needs one per thing to divide; more do no harm).
     */
    public TopicPlan withCoordination(CoordinationTopic topic, int minimum) {
        Map<CoordinationTopic, Integer> all = new LinkedHashMap<>(this.coordination);
        all.put(topic, minimum);
        return new TopicPlan(this.partitions, this.coPartitioned, this.create, all);
    }
}

package io.crewstream.sim.session;

/** One configured agent; session keys name it as {@code agent:<id>:<rest>}. */
public record Agent(String id, String name, String modelProvider, String model) {
}

package io.crewstream.sim.session;

/** Receives every change of a {@link SessionStore}, in order, on the mutating thread, while the store is locked. */
@FunctionalInterface
public interface SessionChangeListener {

    /** Must not block and must not call back into the store. */
    void onChange(SessionChange change);
}

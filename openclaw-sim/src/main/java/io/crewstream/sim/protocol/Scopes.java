package io.crewstream.sim.protocol;

import java.util.Collection;

/** Operator scopes. Admin implies write and read; write implies read. */
public final class Scopes {

    public static final String READ = "operator.read";
    public static final String WRITE = "operator.write";
    public static final String ADMIN = "operator.admin";

    private Scopes() {
    }

    public static boolean grants(Collection<String> granted, String required) {
        return switch (required) {
            case READ -> granted.contains(READ) || granted.contains(WRITE) || granted.contains(ADMIN);
            case WRITE -> granted.contains(WRITE) || granted.contains(ADMIN);
            default -> granted.contains(required) || granted.contains(ADMIN);
        };
    }
}

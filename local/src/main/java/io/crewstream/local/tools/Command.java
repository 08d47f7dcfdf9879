package io.crewstream.local.tools;

import java.util.Set;

/** One subcommand of {@code ./crewstream}. Implementations are stateless. */
interface Command {

    String name();

    /** The usage line after {@code ./crewstream}, e.g. {@code diff FROM TO [--connection ID]}. */
    String usage();

    /** One line: what it answers. */
    String summary();

    /** Its options, without dashes; the common ones are added by {@link Tools}. */
    Set<String> options();

    /** Those of its options that take no value. */
    default Set<String> flags() {
        return Set.of();
    }

    /** Writes the answer to {@code context.out()}; bad input is a {@code UsageException} or a {@code ReplayException}. */
    void run(ToolArgs args, ToolContext context) throws InterruptedException;
}

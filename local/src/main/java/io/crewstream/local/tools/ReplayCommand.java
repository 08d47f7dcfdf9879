package io.crewstream.local.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import io.crewstream.replay.kafka.FrameReplay;
import io.crewstream.schemas.ContractViolationException;
import io.crewstream.schemas.records.RawFrame;

/**
 * {@code replay}: the raw frames one gateway sent in a span of time, in the order received. {@code pretty} is one
 * line per frame for people; {@code jsonl} is each stored {@code RawFrame} as it is on the topic, one per line,
 * copied without decoding (the fast path). {@code --speed 1x} lets frames out at their original spacing.
 */
final class ReplayCommand implements Command {

    @Override
    public String name() {
        return "replay";
    }

    @Override
    public String usage() {
        return "replay --connection ID --from TIME [--to TIME] [--format pretty|jsonl] [--speed 1x|10x|max] "
                + "[--session KEY]";
    }

    @Override
    public String summary() {
        return "the raw frames a gateway sent between two times, in order";
    }

    @Override
    public Set<String> options() {
        return Set.of("connection", "from", "to", "format", "speed", "session");
    }

    @Override
    public void run(ToolArgs args, ToolContext context) throws InterruptedException {
        args.positional(0, "no arguments besides its options");
        String connection = args.required("connection");
        Instant from = context.time(args.required("from"));
        Instant to = args.option("to") == null ? null : context.time(args.option("to"));
        boolean jsonl = args.choice("format", List.of("pretty", "jsonl"), "pretty").equals("jsonl");
        double speed = Pacer.parseSpeed(args.option("speed", "max"));
        Pacer pacer = new Pacer(speed, context.sleeper(), context.clock());
        OutputStream out = context.out();
        InterruptedException[] interrupted = new InterruptedException[1];
        context.replay().frames(connection, from, to, args.option("session"), frame -> {
            try {
                pacer.await(frame.at());
                if (jsonl) {
                    out.write(frame.json());
                    out.write('\n');
                }
                else {
                    context.out().println(pretty(frame));
                }
                if (speed > 0) {
                    // Paced: each frame is shown when it is due, not when a buffer fills.
                    out.flush();
                }
                return true;
            }
            catch (InterruptedException ex) {
                interrupted[0] = ex;
                return false;
            }
            catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
        });
        if (interrupted[0] != null) {
            throw interrupted[0];
        }
    }

    private static String pretty(FrameReplay.Frame stored) {
        RawFrame frame;
        try {
            frame = stored.decode();
        }
        catch (ContractViolationException ex) {
            // One bad record is a line of the replay, as in tail, not the end of it.
            return Text.time(stored.at()) + "  unreadable record at offset " + stored.offset() + ": "
                    + Text.cut(ex.getMessage(), 120);
        }
        StringBuilder line = new StringBuilder(Text.time(frame.receivedAt())).append("  ")
                .append(Text.pad(frame.frameType(), 5));
        if (frame.event() != null) {
            line.append(' ').append(frame.event());
        }
        if (frame.seq() != null) {
            line.append(" seq ").append(frame.seq());
        }
        line.append("  ").append(frame.sizeBytes()).append(" B").append(frame.truncated() ? " (cut)" : "")
                .append("  ").append(Text.cut(frame.text(), 200));
        return line.toString();
    }
}

package io.crewstream.bench.scenario;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.crewstream.bench.client.ActivityLedger;
import io.crewstream.bench.client.BenchTimestamps;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.sim.run.ErrorKind;
import io.crewstream.sim.run.RunHandle;
import io.crewstream.sim.run.Runs;
import io.crewstream.sim.run.Usage;

/**
 * Drives agent runs on the simulator by hand, so that the harness stamps every transition it emits in the
 * {@link ActivityLedger}: runs start at {@code toolCallsPerSecond / 2.5} per second (1–4 tool calls each, 2.5 on
 * average) on the next free session; each run thinks 20–100 ms, calls its tools (20–200 ms each) with 20–100 ms of
 * thinking after each, and finishes, except every fifth run, which fails with the next error kind in turn. Seeded,
 * so two runs with the same options make the same scripts.
 *
 * <p>Threading: every step runs on the driver's one scheduler thread (the free-session queue and the random source
 * are confined to it); {@link #start} and {@link #stop} are called from the harness thread.
 */
final class ActivityRunDriver {

    private static final double MEAN_TOOLS_PER_RUN = 2.5;

    private static final List<String> TOOLS = List.of("read", "exec", "write", "web_search", "edit");

    private final Runs runs;

    private final ActivityLedger ledger;

    private final double toolCallsPerSecond;

    private final Deque<String> free;

    private final Random random = new Random(1);

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "bench-activity-driver");
        thread.setDaemon(true);
        return thread;
    });

    private final AtomicInteger open = new AtomicInteger();

    private final AtomicInteger startsWithoutFreeSession = new AtomicInteger();

    private final AtomicInteger runCount = new AtomicInteger();

    private final AtomicInteger toolCalls = new AtomicInteger();

    private ScheduledFuture<?> starter;

    ActivityRunDriver(Runs runs, ActivityLedger ledger, List<String> sessionKeys, double toolCallsPerSecond) {
        this.runs = runs;
        this.ledger = ledger;
        this.free = new ArrayDeque<>(sessionKeys);
        this.toolCallsPerSecond = toolCallsPerSecond;
    }

    void start() {
        long periodNanos = (long) (TimeUnit.SECONDS.toNanos(1) * MEAN_TOOLS_PER_RUN / this.toolCallsPerSecond);
        this.starter = this.scheduler.scheduleAtFixedRate(this::startRun, 0, periodNanos, TimeUnit.NANOSECONDS);
    }

    /** Starts no more runs, lets the open ones end, then stops the thread. */
    void stop() throws InterruptedException {
        this.starter.cancel(false);
        CountDownLatch drained = new CountDownLatch(1);
        this.scheduler.execute(() -> awaitRunsEnded(drained));
        if (!drained.await(60, TimeUnit.SECONDS)) {
            throw new IllegalStateException(this.open.get() + " runs did not end within 60 s");
        }
        this.scheduler.shutdown();
    }

    private void awaitRunsEnded(CountDownLatch drained) {
        if (this.open.get() == 0) {
            drained.countDown();
        }
        else {
            this.scheduler.schedule(() -> awaitRunsEnded(drained), 10, TimeUnit.MILLISECONDS);
        }
    }

    /** Runs started when a session was free, and tool calls started, since {@link #start}. */
    int runs() {
        return this.runCount.get();
    }

    int toolCalls() {
        return this.toolCalls.get();
    }

    /** Run starts that were due while every session was busy (the offered load was not met). */
    int startsWithoutFreeSession() {
        return this.startsWithoutFreeSession.get();
    }

    private void startRun() {
        String key = this.free.poll();
        if (key == null) {
            this.startsWithoutFreeSession.incrementAndGet();
            return;
        }
        int number = this.runCount.incrementAndGet();
        List<Step> steps = new ArrayList<>();
        int tools = 1 + this.random.nextInt(4);
        for (int i = 0; i < tools; i++) {
            steps.add(new Step.Tool(TOOLS.get(this.random.nextInt(TOOLS.size())), 20 + this.random.nextInt(181)));
        }
        ErrorKind[] kinds = ErrorKind.values();
        steps.add((number % 5 == 0) ? new Step.Fail(kinds[(number / 5) % kinds.length]) : new Step.Finish());
        this.open.incrementAndGet();
        RunHandle run = emit(key, ActivityState.THINKING.wireName(), null, () -> this.runs.start(key));
        next(key, run, steps, 0);
    }

    /** Schedules step {@code index} after a thinking gap. */
    private void next(String key, RunHandle run, List<Step> steps, int index) {
        this.scheduler.schedule(() -> play(key, run, steps, index), 20 + this.random.nextInt(81),
                TimeUnit.MILLISECONDS);
    }

    private void play(String key, RunHandle run, List<Step> steps, int index) {
        Step step = steps.get(index);
        if (step instanceof Step.Tool tool) {
            this.toolCalls.incrementAndGet();
            String callId = emit(key, ActivityState.RUNNING_TOOL.wireName(), tool.name(),
                    () -> run.toolStart(tool.name()));
            this.scheduler.schedule(() -> {
                emit(key, ActivityState.THINKING.wireName(), null, () -> {
                    run.toolEnd(callId, false);
                    return null;
                });
                next(key, run, steps, index + 1);
            }, tool.millis(), TimeUnit.MILLISECONDS);
        }
        else if (step instanceof Step.Fail fail) {
            end(key, ActivityState.ERROR.wireName(), () -> run.fail(fail.kind(), "bench " + fail.kind()));
        }
        else {
            end(key, ActivityState.IDLE.wireName(), () -> run.finish(new Usage(1200, 300)));
        }
    }

    private void end(String key, String state, Runnable call) {
        emit(key, state, null, () -> {
            call.run();
            return null;
        });
        this.free.add(key);
        this.open.decrementAndGet();
    }

    private <T> T emit(String key, String state, String toolName, Supplier<T> call) {
        ActivityLedger.Transition transition = this.ledger.emit(key, state, toolName, BenchTimestamps.nowMicros());
        T result = call.get();
        transition.emitted(BenchTimestamps.nowMicros());
        return result;
    }

    /** What a run does after it started. */
    private sealed interface Step {

        record Tool(String name, int millis) implements Step {
        }

        record Finish() implements Step {
        }

        record Fail(ErrorKind kind) implements Step {
        }
    }
}

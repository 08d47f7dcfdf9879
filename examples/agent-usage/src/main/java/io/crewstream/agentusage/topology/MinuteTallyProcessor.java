package io.crewstream.agentusage.topology;

import java.time.Duration;

import io.crewstream.schemas.records.AgentUsageMinute;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The second stage, on the repartition topic keyed {@code <connectionId>/<agentId>}: folds each session's change into
 * its agent's minute of event time (tumbling one-minute windows by the change's timestamp) and writes every minute
 * whose figures changed ({@link AgentMinutes}).
 *
 * <p>A minute is open until its end plus the grace period, measured in stream time (the highest timestamp this task
 * has seen): until then a change of it updates it and it is written again. A change of a closed minute is late: it is
 * counted in the {@value #LATE_RECORD_OPERATION}-total metric and logged at DEBUG, and its figures are left out; only
 * its effect on the agent's session count is kept, and shows in the minutes after it. Nothing is written for a minute
 * without changes, and no wall-clock timer writes anything: the output depends on the input alone (but for
 * {@code updatedAt}, the time of writing).
 *
 * <p>Each record is keyed {@code <connectionId>/<agentId>}, timestamped with its minute's start and carries its
 * CloudEvents headers ({@link UsageEvents}).
 *
 * <p>Runs on a stream thread; one instance per task.
 */
final class MinuteTallyProcessor implements Processor<String, SessionUsage, String, AgentUsageMinute> {

    static final String METRIC_SCOPE = "crewstream-agent-usage";

    static final String LATE_RECORD_OPERATION = "late-record";

    private static final Logger log = LoggerFactory.getLogger(MinuteTallyProcessor.class);

    private final long graceMillis;

    private ProcessorContext<String, AgentUsageMinute> context;
    private KeyValueStore<String, AgentMinutes> agents;
    private Sensor lateRecords;

    MinuteTallyProcessor(Duration grace) {
        this.graceMillis = grace.toMillis();
    }

    @Override
    public void init(ProcessorContext<String, AgentUsageMinute> context) {
        this.context = context;
        this.agents = context.getStateStore(AgentUsageTopology.AGENT_MINUTES_STORE);
        // Streams names a sensor by thread, operation and entity only: the task id keeps the tasks of one thread
        // from sharing one, which would count each late record once per task.
        this.lateRecords = context.metrics().addRateTotalSensor(METRIC_SCOPE,
                context.taskId() + "." + AgentUsageTopology.TALLY_MINUTES, LATE_RECORD_OPERATION,
                Sensor.RecordingLevel.INFO);
    }

    @Override
    public void process(Record<String, SessionUsage> record) {
        SessionUsage usage = record.value();
        long streamTime = Math.max(this.context.currentStreamTimeMs(), record.timestamp());
        long minuteStart = AgentUsageMinute.minuteOf(record.timestamp());
        AgentMinutes known = this.agents.get(record.key());
        AgentMinutes agent = (known == null ? AgentMinutes.NONE : known).closedBefore(firstOpenMinute(streamTime));
        AgentMinutes.Applied applied;
        if (minuteStart < firstOpenMinute(streamTime)) {
            this.lateRecords.record();
            log.debug("Late change of {} at {} (minute {} closed at stream time {}): left out of its minute",
                    record.key(), record.timestamp(), minuteStart, streamTime);
            applied = agent.applyLate(minuteStart, usage);
        }
        else {
            applied = agent.apply(minuteStart, usage);
        }
        this.agents.put(record.key(), applied.minutes());
        long now = this.context.currentSystemTimeMs();
        for (MinuteTally minute : applied.written()) {
            AgentUsageMinute value = minute.toRecord(usage.connectionId(), usage.agentId(), now);
            this.context.forward(new Record<>(record.key(), value, minute.minuteStart(),
                    UsageEvents.headers(value, minute.version())));
        }
    }

    /** The earliest minute still open at {@code streamTime}: one whose end plus the grace period is still ahead. */
    private long firstOpenMinute(long streamTime) {
        return AgentUsageMinute.minuteOf(streamTime - AgentUsageMinute.MINUTE_MILLIS - this.graceMillis)
                + AgentUsageMinute.MINUTE_MILLIS;
    }
}

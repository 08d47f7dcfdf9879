package io.crewstream.ingestor.health;

import java.time.Instant;
import java.util.function.Predicate;

import io.crewstream.ingestor.upstream.UpstreamStatus;
import io.crewstream.ingestor.upstream.UpstreamSupervisor;
import io.crewstream.schemas.records.UpstreamState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * One upstream connection in {@code /actuator/health}: UP when connected, with its state, reason and since; a failing
 * {@code agents.list} is shown as {@code agentListProblem} without changing the status (sessions still flow). A
 * gateway another instance owns is UP with {@code owned: false}: its connection is that instance's business.
 */
public final class UpstreamHealthIndicator implements HealthIndicator {

    private final UpstreamSupervisor supervisor;
    private final Predicate<String> ownedHere;

    /** @param ownedHere whether this instance owns a connection (by id) */
    public UpstreamHealthIndicator(UpstreamSupervisor supervisor, Predicate<String> ownedHere) {
        this.supervisor = supervisor;
        this.ownedHere = ownedHere;
    }

    @Override
    public Health health() {
        if (!this.ownedHere.test(this.supervisor.connectionId())) {
            return Health.up().withDetail("owned", false).build();
        }
        UpstreamStatus status = this.supervisor.status();
        Health.Builder builder = status.state() == UpstreamState.CONNECTED ? Health.up()
                : status.state() == UpstreamState.CONNECTING ? Health.unknown() : Health.down();
        builder.withDetail("owned", true).withDetail("state", status.state().wireName())
                .withDetail("since", Instant.ofEpochMilli(status.since()).toString())
                .withDetail("url", status.upstreamUrl());
        if (status.reason() != null) {
            builder.withDetail("reason", status.reason());
        }
        if (status.reasonCode() != null) {
            builder.withDetail("reasonCode", status.reasonCode());
        }
        if (status.gatewayVersion() != null) {
            builder.withDetail("gatewayVersion", status.gatewayVersion());
        }
        Long lastFrameAt = this.supervisor.lastFrameAt();
        if (lastFrameAt != null) {
            builder.withDetail("lastFrameAt", Instant.ofEpochMilli(lastFrameAt).toString());
        }
        String agentListProblem = this.supervisor.agentListProblem();
        if (agentListProblem != null) {
            builder.withDetail("agentListProblem", agentListProblem);
        }
        return builder.build();
    }
}

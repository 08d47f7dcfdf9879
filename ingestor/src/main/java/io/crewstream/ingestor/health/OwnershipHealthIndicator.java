package io.crewstream.ingestor.health;

import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.ingestor.ownership.GatewayOwnership;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * {@code /actuator/health/ownership}: this instance's id, whether it is a member of the ingestors' group, the
 * gateways it owns, and for every gateway whether it is owned here, its phase, and when and why that last changed.
 * UP while a member, owning something or not (an instance owning nothing is healthy: the others own the gateways);
 * DOWN while not a member (joining, Kafka unreachable, dropped for a missed session timeout), since it then owns
 * nothing and cannot take anything over. Whether each owned gateway is connected is the upstream entries' business.
 */
public final class OwnershipHealthIndicator implements HealthIndicator {

    private final GatewayOwnership ownership;

    public OwnershipHealthIndicator(GatewayOwnership ownership) {
        this.ownership = ownership;
    }

    @Override
    public Health health() {
        Map<String, Object> gateways = new LinkedHashMap<>();
        this.ownership.standings().forEach((id, standing) -> {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("ownedHere", standing.ownedHere());
            entry.put("phase", standing.phase().name());
            entry.put("lastChange", standing.lastChange().toString());
            entry.put("why", standing.why());
            gateways.put(id, entry);
        });
        GatewayOwnership.Membership membership = this.ownership.membership();
        return (membership.member() ? Health.up() : Health.down())
                .withDetail("instanceId", this.ownership.instanceId())
                .withDetail("member", membership.member())
                .withDetail("since", membership.since().toString())
                .withDetail("membership", membership.why())
                .withDetail("owned", this.ownership.owned()).withDetail("gateways", gateways).build();
    }
}

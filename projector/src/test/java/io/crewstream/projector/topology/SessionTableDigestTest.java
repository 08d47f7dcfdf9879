package io.crewstream.projector.topology;

import java.util.List;

import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionRow;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.serde.ContractSerdes;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The table's digest reads a stored session-state only up to its {@code upstreamUpdatedAt}: that must be exactly the
 * row's {@link SessionRow#updatedAt()}, which the ingestor's digest covers.
 */
class SessionTableDigestTest {

    @Test
    void theUpdatedAtReadFromAStoredStateIsTheRowsWhetherPresentMissingOrNotANumber() {
        ObjectNode withUpdatedAt = row().put("updatedAt", 1_700_000_000_123L).put("label", "x".repeat(5_000));
        ObjectNode without = row();
        ObjectNode textual = row().put("updatedAt", "yesterday");

        for (ObjectNode fields : List.of(withUpdatedAt, without, textual)) {
            SessionRow row = SessionRow.of(fields);
            byte[] stored = ContractSerdes.sessionState().serialize(null,
                    SessionState.of("gw", ChangeType.CREATED, 1, 5L, row));

            assertThat(SessionTable.updatedAtOf(stored)).as(row.toString()).isEqualTo(row.updatedAt());
        }
    }

    private static ObjectNode row() {
        return ContractJson.mapper().createObjectNode().put("key", "agent:main:a").put("kind", "direct");
    }
}

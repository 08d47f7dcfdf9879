package io.crewstream.sim.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import io.crewstream.sim.protocol.Json;

class SessionStoreTest {

    private final AtomicLong now = new AtomicLong(1_000);
    private final List<SessionChange> changes = new ArrayList<>();
    private final SessionStore store = new SessionStore(AgentCatalog.ofCount(2), new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.incrementAndGet());
        }
    });

    {
        store.addListener(changes::add);
    }

    @Test
    void pagesAreNewestFirstWithOffsetAndNextOffset() {
        for (int i = 0; i < 5; i++) {
            store.create("agent:main:s" + i, Json.object());
        }

        SessionPage first = store.list(SessionQuery.firstPage(2));
        SessionPage last = store.list(new SessionQuery(2, 4, null, null, null, null, false));

        assertThat(first.rows()).extracting(row -> row.get("key").stringValue())
                .containsExactly("agent:main:s4", "agent:main:s3");
        assertThat(first.hasMore()).isTrue();
        assertThat(first.toJson("p", Json.object()).get("nextOffset").asInt()).isEqualTo(2);
        assertThat(first.toJson("p", Json.object()).has("offset")).isFalse();
        assertThat(last.rows()).hasSize(1);
        assertThat(last.hasMore()).isFalse();
        assertThat(last.toJson("p", Json.object()).get("nextOffset").isNull()).isTrue();
        assertThat(last.toJson("p", Json.object()).get("offset").asInt()).isEqualTo(4);
    }

    @Test
    void offsetBeyondTheEndGivesAnEmptyLastPage() {
        store.create("agent:main:only", Json.object());

        SessionPage page = store.list(new SessionQuery(100, 50, null, null, null, null, false));

        assertThat(page.rows()).isEmpty();
        assertThat(page.totalCount()).isEqualTo(1);
        assertThat(page.hasMore()).isFalse();
    }

    @Test
    void deleteEmitsKeyedThenKeylessDeleteAndMissingKeyEmitsNothing() {
        store.create("agent:main:gone", Json.object());
        changes.clear();

        assertThat(store.delete("agent:main:gone")).isPresent();
        assertThat(store.delete("agent:main:never")).isEmpty();

        assertThat(changes).hasSize(2);
        assertThat(changes.get(0).toPayload().get("sessionKey").stringValue()).isEqualTo("agent:main:gone");
        assertThat(changes.get(0).toPayload().has("session")).isFalse();
        assertThat(changes.get(1).toPayload().propertyNames()).containsExactlyInAnyOrder("reason", "ts");
    }

    @Test
    void recreatingAnExistingKeyKeepsItsSessionIdAndEmitsCreateAgain() {
        String first = store.create("agent:main:twice", Json.object()).get("sessionId").stringValue();
        String second = store.create("agent:main:twice", Json.object()).get("sessionId").stringValue();

        assertThat(second).isEqualTo(first);
        assertThat(changes).extracting(SessionChange::reason).containsExactly("create", "create");
    }

    @Test
    void createRefusesUnknownAgentsButPatchCreatesTheirRows() {
        assertThatThrownBy(() -> store.create("agent:nobody:x", Json.object()))
                .isInstanceOf(UnknownAgentException.class).hasMessage("Unknown agent id \"nobody\"");

        store.patch("agent:nobody:x", Json.object().put("label", "l"), null);

        assertThat(store.get("agent:nobody:x")).isPresent();
    }

    @Test
    void patchWithStaleSessionIdIsRefused() {
        store.create("agent:main:guarded", Json.object());

        assertThatThrownBy(() -> store.patch("agent:main:guarded", Json.object(), "stale"))
                .isInstanceOf(SessionChangedException.class);
    }

    @Test
    void archivedRowsAreHiddenByDefault() {
        store.create("agent:main:kept", Json.object());
        store.create("agent:main:archived", Json.object().put("archived", true));

        assertThat(store.list(SessionQuery.firstPage(10)).rows()).extracting(row -> row.get("key").stringValue())
                .containsExactly("agent:main:kept");
        assertThat(store.list(new SessionQuery(10, 0, null, null, null, true, false)).totalCount()).isEqualTo(1);
        assertThat(store.list(new SessionQuery(10, 0, null, null, null, null, true)).totalCount()).isEqualTo(2);
    }

    @Test
    void applyThenRunsItsCallbackBeforeListenersSeeTheChanges() {
        List<String> order = new ArrayList<>();
        store.addListener(change -> order.add("event:" + change.reason()));

        store.applyThen(() -> store.create("agent:main:ordered", Json.object()), row -> order.add("callback"));
        store.applyThen(() -> store.delete("agent:main:ordered"), removed -> order.add("callback"));

        assertThat(order).containsExactly("callback", "event:create", "callback", "event:delete", "event:delete");
    }

    @Test
    void changePayloadCarriesTheRowNestedAndFlattened() {
        store.create("agent:agent-2:flat", Json.object().put("label", "flat"));

        var payload = changes.get(0).toPayload();

        assertThat(payload.get("sessionKey").stringValue()).isEqualTo("agent:agent-2:flat");
        assertThat(payload.get("agentId").stringValue()).isEqualTo("agent-2");
        assertThat(payload.get("session").get("label").stringValue()).isEqualTo("flat");
        assertThat(payload.get("label").stringValue()).isEqualTo("flat");
        assertThat(payload.has("key")).as("the row's key is only under session").isFalse();
    }
}

package io.crewstream.ssegateway.stream;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import io.crewstream.schemas.records.ChangeType;
import io.crewstream.schemas.records.SessionState;
import io.crewstream.ssegateway.security.GatewayScope;
import io.crewstream.ssegateway.state.SessionTable;
import io.crewstream.ssegateway.state.TableChange;
import io.crewstream.ssegateway.state.TableListener;
import io.crewstream.ssegateway.state.TableRecord;
import io.crewstream.ssegateway.state.TestTables;
import io.crewstream.ssegateway.support.TableTopics;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The shared initial state: one per position and filter, the caller's scope part of the filter. */
class RefreshCacheTest {

    private final SessionTable table = TestTables.loaded(new TableListener() {

        @Override
        public void onLoaded(SessionTable loaded) {
        }

        @Override
        public void onChange(TableChange change) {
        }
    });

    private final RefreshCache cache = new RefreshCache();

    private long offset;

    @BeforeEach
    void twoGateways() {
        session("gw-a", "s1");
        session("gw-b", "s2");
    }

    private void session(String gateway, String key) {
        SessionState state = SessionState.of(gateway, ChangeType.CREATED, 1, 0, TableTopics.row(key, 1));
        TestTables.apply(this.table, TableRecord.session(0, this.offset++, state.key(), state));
    }

    private static ClientFilter scoped(String... gateways) {
        return new ClientFilter(GatewayScope.of(Set.of(gateways)), Set.of(), Set.of());
    }

    private String json(ClientFilter filter) {
        return new String(this.cache.of(this.table, filter).json(), StandardCharsets.UTF_8);
    }

    @Test
    void callersOfDifferentScopesGetTheirOwnStateNeverAnothersCachedOne() {
        assertThat(json(ClientFilter.ALL)).contains("gw-a").contains("gw-b");
        assertThat(json(scoped("gw-a"))).contains("gw-a").doesNotContain("gw-b");
        assertThat(json(scoped("gw-b"))).contains("gw-b").doesNotContain("gw-a");
        assertThat(json(scoped())).doesNotContain("gw-a").doesNotContain("gw-b");
    }

    @Test
    void interleavedScopesShareTheirEntriesUntilThePositionMoves() {
        RefreshCache.Rendered all = this.cache.of(this.table, ClientFilter.ALL);
        RefreshCache.Rendered onlyA = this.cache.of(this.table, scoped("gw-a"));
        assertThat(this.cache.of(this.table, ClientFilter.ALL)).as("not replaced by the other scope's")
                .isSameAs(all);
        assertThat(this.cache.of(this.table, scoped("gw-a"))).isSameAs(onlyA);

        session("gw-a", "s3");
        RefreshCache.Rendered moved = this.cache.of(this.table, scoped("gw-a"));
        assertThat(moved).isNotSameAs(onlyA);
        assertThat(new String(moved.json(), StandardCharsets.UTF_8)).contains("s3");
    }

    @Test
    void atMostAFewFiltersAreKeptTheLeastRecentlyUsedGoingFirst() {
        RefreshCache.Rendered all = this.cache.of(this.table, ClientFilter.ALL);
        RefreshCache.Rendered first = this.cache.of(this.table, scoped("gw-0"));
        for (int i = 1; i < RefreshCache.FILTERS_PER_POSITION; i++) {
            this.cache.of(this.table, scoped("gw-" + i));
            // Used all along: stays.
            this.cache.of(this.table, ClientFilter.ALL);
        }
        assertThat(this.cache.of(this.table, ClientFilter.ALL)).isSameAs(all);
        assertThat(this.cache.of(this.table, scoped("gw-0"))).as("the least recently used one was dropped")
                .isNotSameAs(first);
    }
}

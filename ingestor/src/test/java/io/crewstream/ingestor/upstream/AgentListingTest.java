package io.crewstream.ingestor.upstream;

import java.util.List;

import io.crewstream.schemas.records.AgentInfo;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** {@code agents.list} results, shaped as {@code listAgentsForGateway} of openclaw 2026.9.6 returns them. */
class AgentListingTest {

    @Test
    void eachAgentKeepsItsIdNameIdentityAndPrimaryModel() throws MalformedFrameException {
        AgentListing listing = AgentListing.from("gw", json("""
                {"defaultId":"main","mainKey":"main","scope":"per-sender","agents":[
                 {"id":"main","name":"Main","kind":"agent","identity":{"name":"Clawd","theme":"helpful",
                  "emoji":"🦞","avatar":"avatars/clawd.png","avatarUrl":"https://cdn.example/clawd.png"},
                  "workspace":"/home/me/.openclaw/workspace","model":{"primary":"anthropic/claude-sonnet-4",
                  "fallbacks":["openai/gpt-5"]},"thinkingDefault":"low"},
                 {"id":"reviewer"}]}"""), 42);

        assertThat(listing.list().connectionId()).isEqualTo("gw");
        assertThat(listing.list().defaultAgentId()).isEqualTo("main");
        assertThat(listing.list().mainKey()).isEqualTo("main");
        assertThat(listing.list().observedAt()).isEqualTo(42);
        assertThat(listing.list().agents()).containsExactly(
                new AgentInfo("main", "Main", "Clawd", "🦞", "helpful", "https://cdn.example/clawd.png",
                        "anthropic/claude-sonnet-4"),
                new AgentInfo("reviewer", null, null, null, null, null, null));
        assertThat(listing.rejected()).isEmpty();
    }

    @Test
    void anInlineAvatarIsNotCarried() throws MalformedFrameException {
        AgentListing listing = AgentListing.from("gw", json("""
                {"agents":[{"id":"main","identity":{"avatarUrl":"data:image/png;base64,iVBORw0KGgo="}}]}"""), 1);

        assertThat(listing.list().agents().get(0).avatarUrl()).isNull();
    }

    @Test
    void anEmptyListIsAListOfNoAgents() throws MalformedFrameException {
        assertThat(AgentListing.from("gw", json("{\"defaultId\":\"main\",\"agents\":[]}"), 1).list().agents())
                .isEmpty();
    }

    @Test
    void rowsWithoutAUsableIdOrRepeatingOneAreLeftOutAndNamed() throws MalformedFrameException {
        AgentListing listing = AgentListing.from("gw", json("""
                {"agents":[{"id":"main"},{"name":"nameless"},"main",{"id":"main","name":"again"},{"id":""}]}"""), 1);

        assertThat(listing.list().agents()).extracting(AgentInfo::id).isEqualTo(List.of("main"));
        assertThat(listing.rejected()).containsExactly("agents[1] has no id", "agents[2] has no id",
                "agents[3] repeats id 'main'", "agents[4] has no id");
    }

    @Test
    void aResultWithoutAnAgentsArrayIsUnusable() {
        assertThatExceptionOfType(MalformedFrameException.class)
                .isThrownBy(() -> AgentListing.from("gw", json("{\"defaultId\":\"main\"}"), 1))
                .withMessageContaining("agents");
        assertThatExceptionOfType(MalformedFrameException.class)
                .isThrownBy(() -> AgentListing.from("gw", json("{\"agents\":{}}"), 1));
    }

    private static JsonNode json(String text) {
        return GatewayJson.mapper().readTree(text);
    }
}

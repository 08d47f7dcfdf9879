package io.crewstream.ssegateway.dashboard;

import java.util.LinkedHashMap;
import java.util.Map;

import io.crewstream.schemas.SchemaVersion;
import io.crewstream.schemas.records.ActivityState;
import io.crewstream.schemas.records.UpstreamState;
import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.schemas.sse.AuthRefusal;
import io.crewstream.schemas.sse.PipelineState;
import io.crewstream.schemas.sse.SseEventType;
import io.crewstream.schemas.sse.SseSession;

import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Serves {@code /contract.js}: the SSE event names of {@link SseEventType}, the gateway states of
 * {@link UpstreamState}, the pipeline states of {@link PipelineState}, the activity states of {@link ActivityState},
 * CrewHub's session statuses ({@link SseSession#ACTIVE}, {@link SseSession#IDLE}) and the refusal codes of
 * {@link AuthRefusal} (the {@code reason} of a 401/403/429 body) as a script for the pages, so the page never spells
 * an event name or a reason code itself (the seed's UI stayed empty because backend and browser spelt one
 * differently). Public: it holds nothing but names.
 */
@RestController
public class ContractScriptController {

    private static final MediaType JAVASCRIPT = MediaType.parseMediaType("text/javascript;charset=UTF-8");

    @GetMapping("/contract.js")
    public ResponseEntity<String> contract() {
        return ResponseEntity.ok().contentType(JAVASCRIPT).cacheControl(CacheControl.noCache()).body(script());
    }

    static String script() {
        Map<String, String> events = new LinkedHashMap<>();
        for (SseEventType type : SseEventType.values()) {
            events.put(type.name(), type.eventName());
        }
        Map<String, String> states = new LinkedHashMap<>();
        for (UpstreamState state : UpstreamState.values()) {
            states.put(state.name(), state.wireName());
        }
        Map<String, String> pipelineStates = new LinkedHashMap<>();
        for (PipelineState state : PipelineState.values()) {
            pipelineStates.put(state.name(), state.wireName());
        }
        Map<String, String> activityStates = new LinkedHashMap<>();
        for (ActivityState state : ActivityState.values()) {
            activityStates.put(state.name(), state.wireName());
        }
        Map<String, String> authRefusals = new LinkedHashMap<>();
        for (AuthRefusal refusal : AuthRefusal.values()) {
            authRefusals.put(refusal.name(), refusal.code());
        }
        Map<String, String> sessionStatuses = Map.of("ACTIVE", SseSession.ACTIVE, "IDLE", SseSession.IDLE);
        Map<String, Object> contract = Map.of("schemaVersion", SchemaVersion.CURRENT, "events", events,
                "gatewayStates", states, "pipelineStates", pipelineStates, "activityStates", activityStates,
                "sessionStatuses", sessionStatuses, "authRefusals", authRefusals);
        return "window.CREWSTREAM_CONTRACT = Object.freeze(" + ContractJson.mapper().writeValueAsString(contract)
                + ");\n";
    }
}

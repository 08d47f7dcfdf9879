package io.crewstream.ssegateway.replay;

import java.time.Clock;

import io.crewstream.replay.Replay;
import io.crewstream.replay.kafka.ReplaySource;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.ssegateway.api.StaticPages;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Wires the replay page: the replay engine on the same cluster and topic namespace the gateway reads its table from,
 * the clock that {@code now} and {@code -15m} are read against, and {@code GET /replay} as the page's address.
 */
@Configuration(proxyBeanMethods = false)
public class ReplayConfiguration {

    /** The page's address; its files are static ({@code replay.html}, {@code replay.js}) and carry no data. */
    public static final String PAGE_PATH = "/replay";

    @Bean
    Replay replay(KafkaSettings kafka) {
        return new Replay(new ReplaySource(kafka.bootstrapServers(), kafka.namespace()));
    }

    @Bean
    ReplayGate replayGate() {
        return new ReplayGate(ReplayGate.DEFAULT_PERMITS, ReplayGate.DEFAULT_WAIT);
    }

    @Bean
    ChangeStepper changeStepper(Replay replay) {
        return new ChangeStepper(replay);
    }

    /** Wall-clock time, in UTC: only relative times typed on the page ({@code now}, {@code -15m}) use it. */
    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    RouterFunction<ServerResponse> replayPageRoute() {
        return StaticPages.page(PAGE_PATH, "replay.html");
    }
}

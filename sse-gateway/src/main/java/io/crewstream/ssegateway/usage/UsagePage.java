package io.crewstream.ssegateway.usage;

import io.crewstream.ssegateway.api.StaticPages;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/** {@code GET /usage} is the usage page ({@code usage.html}, static: its data comes from {@code /api/usage}). */
@Configuration(proxyBeanMethods = false)
public class UsagePage {

    public static final String PAGE_PATH = "/usage";

    @Bean
    RouterFunction<ServerResponse> usagePageRoute() {
        return StaticPages.page(PAGE_PATH, "usage.html");
    }
}

package io.crewstream.ssegateway.api;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/** A page's short address ({@code /replay}) answered with its static file, as {@code /} is with {@code index.html}. */
public final class StaticPages {

    private StaticPages() {
    }

    /** {@code GET path} (and {@code HEAD}) answered with {@code static/<file>}, an HTML page holding no data. */
    public static RouterFunction<ServerResponse> page(String path, String file) {
        Resource page = new ClassPathResource("static/" + file);
        return RouterFunctions.route(RequestPredicates.GET(path).or(RequestPredicates.HEAD(path)),
                request -> ServerResponse.ok().contentType(MediaType.TEXT_HTML).cacheControl(CacheControl.noCache())
                        .bodyValue(page));
    }
}

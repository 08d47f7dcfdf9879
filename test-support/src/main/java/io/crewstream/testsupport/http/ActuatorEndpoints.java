package io.crewstream.testsupport.http;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a running application's actuator answers: {@code /actuator}, every endpoint its index links to, and every
 * endpoint its configuration says is exposed (an id listed there but missing from the index must show up too: that
 * is an endpoint that answers 404). Each is fetched once with a plain GET. Stateless; safe from any thread.
 */
public final class ActuatorEndpoints {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ActuatorEndpoints() {
    }

    /**
     * @param base the application's address, e.g. {@code http://127.0.0.1:8081}
     * @param exposure the value of {@code management.endpoints.web.exposure.include}: endpoint ids, comma-separated
     * @return the HTTP status of each path, sorted by path
     */
    public static Map<String, Integer> statuses(URI base, String exposure) throws IOException, InterruptedException {
        Set<String> paths = new TreeSet<>();
        paths.add("/actuator");
        Arrays.stream(exposure.split(",")).map(String::trim).filter(id -> !id.isEmpty() && !id.equals("*"))
                .forEach(id -> paths.add("/actuator/" + id));
        HttpResponse<String> index = get(base.resolve("/actuator"));
        if (index.statusCode() == 200) {
            JsonNode links = JsonMapper.shared().readTree(index.body()).path("_links");
            for (JsonNode link : links) {
                // A templated link (/actuator/metrics/{requiredMetricName}) is a family of endpoints, not one.
                if (!link.path("templated").asBoolean(false)) {
                    paths.add(URI.create(link.path("href").asString()).getPath());
                }
            }
        }
        Map<String, Integer> statuses = new TreeMap<>();
        for (String path : paths) {
            statuses.put(path, path.equals("/actuator") ? index.statusCode() : get(base.resolve(path)).statusCode());
        }
        return statuses;
    }

    private static HttpResponse<String> get(URI uri) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}

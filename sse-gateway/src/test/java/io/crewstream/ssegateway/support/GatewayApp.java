package io.crewstream.ssegateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.crewstream.schemas.serde.ContractJson;
import io.crewstream.ssegateway.SseGatewayApplication;
import io.crewstream.ssegateway.stream.ClientRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/** One real gateway instance on a random port, reading the tables of a test's namespace. */
public final class GatewayApp implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final ConfigurableApplicationContext context;

    private GatewayApp(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static GatewayApp start(String bootstrapServers, String topicPrefix, String... extraProperties) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("server.port", "0");
        properties.put("crewstream.kafka.bootstrap-servers", bootstrapServers);
        properties.put("crewstream.kafka.topic-prefix", topicPrefix);
        properties.put("spring.jmx.enabled", "false");
        properties.put("spring.main.banner-mode", "off");
        properties.put("spring.main.log-startup-info", "false");
        for (String extra : extraProperties) {
            // A repeated command-line property would become a list: later values replace defaults instead.
            int equals = extra.indexOf('=');
            properties.put(extra.substring(0, equals), extra.substring(equals + 1));
        }
        List<String> arguments = new ArrayList<>();
        properties.forEach((name, value) -> arguments.add("--" + name + "=" + value));
        ConfigurableApplicationContext context = new SpringApplicationBuilder(SseGatewayApplication.class)
                .run(arguments.toArray(String[]::new));
        return new GatewayApp(context);
    }

    public int port() {
        return ((WebServerApplicationContext) this.context).getWebServer().getPort();
    }

    public org.springframework.boot.web.server.WebServer webServer() {
        return ((WebServerApplicationContext) this.context).getWebServer();
    }

    public URI uri(String pathAndQuery) {
        return URI.create("http://localhost:" + port() + pathAndQuery);
    }

    public SseTestClient events() {
        return SseTestClient.connect(uri("/api/events"));
    }

    public SseTestClient events(String query, Map<String, String> headers) {
        return SseTestClient.connect(uri("/api/events" + query), headers);
    }

    public HttpResponse<String> get(String pathAndQuery) {
        return get(pathAndQuery, Map.of());
    }

    public HttpResponse<String> get(String pathAndQuery, Map<String, String> headers) {
        return send("GET", pathAndQuery, headers);
    }

    /** A request whose response ends (not for the event stream). */
    public HttpResponse<String> send(String method, String pathAndQuery, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(pathAndQuery))
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(request::header);
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
        catch (java.io.IOException ex) {
            throw new java.io.UncheckedIOException(ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    public JsonNode getJson(String pathAndQuery) {
        HttpResponse<String> response = get(pathAndQuery);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + pathAndQuery + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return ContractJson.mapper().readTree(response.body());
    }

    /** Clients the instance has registered (its registry, not just the gauge). */
    public int registeredClients() {
        return this.context.getBean(ClientRegistry.class).size();
    }

    public MeterRegistry meters() {
        return this.context.getBean(MeterRegistry.class);
    }

    public double counter(String name) {
        return meters().find(name).counters().stream().mapToDouble(c -> c.count()).sum();
    }

    public <T> T bean(Class<T> type) {
        return this.context.getBean(type);
    }

    @Override
    public void close() {
        this.context.close();
    }
}

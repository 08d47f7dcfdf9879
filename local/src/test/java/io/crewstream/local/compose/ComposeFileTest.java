package io.crewstream.local.compose;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.crewstream.ingestor.IngestorApplication;
import io.crewstream.ingestor.config.IngestorProperties;
import io.crewstream.projector.ProjectorApplication;
import io.crewstream.projector.ProjectorProperties;
import io.crewstream.runtime.KafkaSettings;
import io.crewstream.ssegateway.SseGatewayApplication;
import io.crewstream.ssegateway.SseGatewayProperties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.yaml.snakeyaml.Yaml;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * There is no Docker engine where the build runs, so {@code docker-compose.yml} is checked by reading it: every
 * environment variable of every crewstream service must be one its app actually reads (a misspelt variable is
 * silently ignored by Spring Boot, and the service then runs on a default, e.g. Kafka at localhost), and every file
 * the compose file refers to must exist.
 */
class ComposeFileTest {

    private static final Path REPOSITORY = Path.of("").toAbsolutePath().getParent();
    private static final Path COMPOSE_FILE = REPOSITORY.resolve("docker-compose.yml");

    private static final Map<String, AppSettingsCatalog> APPS = Map.of(
            "ingestor", AppSettingsCatalog.of(IngestorApplication.class,
                    List.of(IngestorProperties.class, KafkaSettings.class)),
            "projector", AppSettingsCatalog.of(ProjectorApplication.class,
                    List.of(ProjectorProperties.class, KafkaSettings.class)),
            "sse-gateway", AppSettingsCatalog.of(SseGatewayApplication.class,
                    List.of(SseGatewayProperties.class, KafkaSettings.class)));

    private static Map<String, Map<String, Object>> services;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void readComposeFile() throws IOException {
        Map<String, Object> compose = new Yaml().load(Files.readString(COMPOSE_FILE));
        services = (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void everyEnvironmentVariableOfAnAppServiceIsOneTheAppReads() {
        List<String> unread = new ArrayList<>();
        int checked = 0;
        for (var service : appServices().entrySet()) {
            AppSettingsCatalog app = APPS.get(module(service.getValue()));
            Map<String, Object> environment = environment(service.getValue());
            for (String variable : environment.keySet()) {
                checked++;
                if (!app.reads(variable) && !isTokenNamedByTokenEnv(app, environment, variable)) {
                    unread.add(service.getKey() + ": " + variable);
                }
            }
        }
        assertThat(checked).as("variables checked").isGreaterThan(10);
        assertThat(unread).as("variables no app reads (misspelt? renamed property?)").isEmpty();
    }

    @Test
    void theCheckRejectsAMisspeltVariableAndAcceptsEveryRelaxedForm() {
        AppSettingsCatalog sse = APPS.get("sse-gateway");
        assertThat(sse.reads("CREWSTREAM_KAFKA_BOOTSTRAPSERVERS")).isTrue();
        assertThat(sse.reads("CREWSTREAM_KAFKA_BOOTSTRAP_SERVERS")).isTrue();
        assertThat(sse.reads("KAFKA_BOOTSTRAP_SERVERS")).as("honoured by every app").isTrue();
        assertThat(sse.reads("PORT")).as("honoured by every app").isTrue();
        assertThat(sse.reads("CREWSTREAM_KAFKA_BOOTSTRAP_SERVER")).isFalse();
        assertThat(sse.reads("CREWSTREAM_SSE_REQUESTHEADTIMEOUT")).isTrue();
        assertThat(sse.reads("CREWSTREAM_INGESTOR_KAFKA_DELIVERYTIMEOUT")).as("another app's property").isFalse();
        assertThat(sse.reads("CREWSTREAM_SSE_BOOTSTRAPSERVERS")).as("deprecated: compose uses the new key")
                .isFalse();
        AppSettingsCatalog ingestor = APPS.get("ingestor");
        assertThat(ingestor.reads("CREWSTREAM_INGESTOR_UPSTREAMS_0_URL")).isTrue();
        assertThat(ingestor.reads("CREWSTREAM_INGESTOR_UPSTREAMS_0_URI")).isFalse();
        assertThat(ingestor.reads("MANAGEMENT_ENDPOINT_HEALTH_PROBES_ENABLED")).as("Spring Boot's own").isTrue();
    }

    @Test
    void everyAppServiceBuildsFromAnExistingDockerfileAndRunsAnApplicationClass() throws ClassNotFoundException {
        assertThat(appServices().keySet()).contains("ingestor", "ingestor-2", "projector", "sse-gateway-1",
                "sse-gateway-2");
        for (var service : appServices().entrySet()) {
            Map<String, Object> build = map(service.getValue().get("build"));
            Path context = REPOSITORY.resolve((String) build.get("context")).normalize();
            assertThat(context).as(service.getKey() + " build context").isDirectory();
            assertThat(context.resolve((String) build.get("dockerfile"))).as(service.getKey() + " Dockerfile")
                    .isRegularFile();
            assertThat(context.resolve(module(service.getValue()))).as(service.getKey() + " module").isDirectory();
            Class<?> main = Class.forName((String) map(build.get("args")).get("MAIN_CLASS"));
            assertThat(main).as(service.getKey() + " MAIN_CLASS").hasAnnotation(SpringBootApplication.class);
            assertThat(main).isEqualTo(APPS.get(module(service.getValue())).applicationClass());
        }
    }

    @Test
    void theIngestorReplicasShareTheGatewaysWithDistinctInstanceIds() {
        Map<String, Object> first = environment(services.get("ingestor"));
        Map<String, Object> second = environment(services.get("ingestor-2"));
        assertThat(first.get("CREWSTREAM_INGESTOR_INSTANCEID")).isNotNull()
                .isNotEqualTo(second.get("CREWSTREAM_INGESTOR_INSTANCEID"));
        Map<String, Object> rest = new java.util.HashMap<>(second);
        rest.put("CREWSTREAM_INGESTOR_INSTANCEID", first.get("CREWSTREAM_INGESTOR_INSTANCEID"));
        assertThat(rest).as("otherwise the same configuration: the same gateways to share").isEqualTo(first);
    }

    @Test
    void everyFileMountedIntoAServiceExists() {
        List<String> mounts = new ArrayList<>();
        for (var service : services.entrySet()) {
            Object volumes = service.getValue().get("volumes");
            if (volumes instanceof List<?> list) {
                for (Object volume : list) {
                    String source = volume.toString().split(":")[0];
                    if (source.startsWith(".")) {
                        mounts.add(source);
                        assertThat(REPOSITORY.resolve(source).normalize()).as(service.getKey() + " mount").exists();
                    }
                }
            }
        }
        assertThat(mounts).as("the reverse proxy's configuration is mounted").isNotEmpty();
    }

    @Test
    void everyAppGetsTheSameSharedKafkaSettingsSoTheInputTopicsHaveOnePartitionCount() {
        Map<String, Object> ingestor = environment(services.get("ingestor"));
        assertThat(ingestor.get("CREWSTREAM_KAFKA_PARTITIONS")).isNotNull();
        assertThat(ingestor.get("CREWSTREAM_KAFKA_BOOTSTRAPSERVERS")).isNotNull();
        for (var service : appServices().entrySet()) {
            Map<String, Object> environment = environment(service.getValue());
            for (String shared : List.of("CREWSTREAM_KAFKA_BOOTSTRAPSERVERS", "CREWSTREAM_KAFKA_PARTITIONS",
                    "CREWSTREAM_KAFKA_REPLICATIONFACTOR")) {
                assertThat(environment.get(shared)).as(service.getKey() + " " + shared)
                        .isEqualTo(ingestor.get(shared));
            }
        }
    }

    @Test
    void theReverseProxyNeitherBuffersNorCompressesNorTimesOutTheStream() throws IOException {
        String nginx = Files.readString(REPOSITORY.resolve("docker/nginx/crewstream.conf"));
        String stream = nginx.substring(nginx.indexOf("location /api/events"));
        stream = stream.substring(0, stream.indexOf('}'));
        assertThat(stream).contains("proxy_buffering off;", "gzip off;", "proxy_http_version 1.1;",
                "proxy_read_timeout 1h;");
        for (var service : appServices().entrySet()) {
            if (module(service.getValue()).equals("sse-gateway")) {
                assertThat(nginx).as("nginx routes to " + service.getKey()).contains(service.getKey() + ":8091");
            }
        }
    }

    private static boolean isTokenNamedByTokenEnv(AppSettingsCatalog app, Map<String, Object> environment,
            String variable) {
        if (variable.equals(IngestorProperties.DEFAULT_TOKEN_ENV) && app.applicationClass() == IngestorApplication.class) {
            return true;
        }
        for (var entry : environment.entrySet()) {
            String property = app.propertyOf(entry.getKey());
            if (property != null && property.endsWith(".token-env") && variable.equals(String.valueOf(entry.getValue()))) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Map<String, Object>> appServices() {
        Map<String, Map<String, Object>> apps = new TreeMap<>();
        services.forEach((name, service) -> {
            if (service.containsKey("build")) {
                apps.put(name, service);
            }
        });
        return apps;
    }

    private static String module(Map<String, Object> service) {
        return (String) map(map(service.get("build")).get("args")).get("MODULE");
    }

    private static Map<String, Object> environment(Map<String, Object> service) {
        return map(service.get("environment"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertThat(value).isInstanceOf(Map.class);
        return (Map<String, Object>) value;
    }
}

package io.crewstream.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.impl.NoOpLog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/** One key pattern for every app: the shared Kafka keys, the platform's variables, and last release's keys. */
@ExtendWith(OutputCaptureExtension.class)
class ConfigurationKeysTest {

    private final List<String> warnings = new ArrayList<>();

    private final Log log = new NoOpLog() {
        @Override
        public void warn(Object message) {
            ConfigurationKeysTest.this.warnings.add(String.valueOf(message));
        }
    };

    @Test
    void anOldKeyStillConfiguresTheAppAndOneWarningNamesTheNewKeyButNotTheValue() {
        StandardEnvironment environment = environment(Map.of(), Map.of(
                "crewstream.projector.bootstrap-servers", "kafka-old:9092",
                "crewstream.projector.partitions", "6"));

        process(environment);

        KafkaSettings kafka = bind(environment);
        assertThat(kafka.bootstrapServers()).isEqualTo("kafka-old:9092");
        assertThat(kafka.partitions()).isEqualTo(6);
        assertThat(this.warnings).hasSize(2);
        assertThat(this.warnings.get(0)).contains("crewstream.projector.bootstrap-servers", "deprecated",
                "use crewstream.kafka.bootstrap-servers instead", "application.properties")
                .doesNotContain("kafka-old");
    }

    @Test
    void theNewKeyWinsWhenBothAreSetAndTheWarningSaysTheOldOneIsIgnored() {
        StandardEnvironment environment = environment(Map.of(), Map.of(
                "crewstream.ingestor.kafka.topic-prefix", "old.",
                "crewstream.kafka.topic-prefix", "new."));

        process(environment);

        assertThat(bind(environment).topicPrefix()).isEqualTo("new.");
        assertThat(this.warnings).singleElement().asString()
                .contains("crewstream.ingestor.kafka.topic-prefix", "ignored", "crewstream.kafka.topic-prefix is set "
                        + "too and wins");
    }

    @Test
    void oldKeysWorkAsEnvironmentVariablesInEitherSpelling() {
        StandardEnvironment environment = environment(Map.of(
                "CREWSTREAM_AGENTUSAGE_BOOTSTRAPSERVERS", "kafka-env:9092",
                "CREWSTREAM_SSE_TOPIC_PREFIX", "team-a."), Map.of());

        process(environment);

        KafkaSettings kafka = bind(environment);
        assertThat(kafka.bootstrapServers()).isEqualTo("kafka-env:9092");
        assertThat(kafka.topicPrefix()).isEqualTo("team-a.");
        assertThat(this.warnings).anySatisfy(warning -> assertThat(warning)
                .contains("crewstream.agent-usage.bootstrap-servers", "CREWSTREAM_AGENTUSAGE_BOOTSTRAPSERVERS",
                        "use crewstream.kafka.bootstrap-servers"));
    }

    @Test
    void theNewKeysWorkAsEnvironmentVariablesWithoutAnyWarning() {
        StandardEnvironment environment = environment(Map.of(
                "CREWSTREAM_KAFKA_BOOTSTRAPSERVERS", "kafka-new:9092",
                "CREWSTREAM_KAFKA_REPLICATIONFACTOR", "3"), Map.of());

        process(environment);

        KafkaSettings kafka = bind(environment);
        assertThat(kafka.bootstrapServers()).isEqualTo("kafka-new:9092");
        assertThat(kafka.replication().factor()).isEqualTo((short) 3);
        assertThat(kafka.replication().minInsyncReplicas()).isEqualTo((short) 2);
        assertThat(this.warnings).isEmpty();
    }

    @Test
    void twoAppsOldKeysForOneNewKeyCountOnceAndTheOtherIsSaidToBeIgnored() {
        StandardEnvironment environment = environment(Map.of(
                "CREWSTREAM_INGESTOR_KAFKA_BOOTSTRAPSERVERS", "kafka-a:9092",
                "CREWSTREAM_PROJECTOR_BOOTSTRAPSERVERS", "kafka-b:9092"), Map.of());

        process(environment);

        assertThat(bind(environment).bootstrapServers()).isEqualTo("kafka-a:9092");
        assertThat(this.warnings).hasSize(2);
        assertThat(this.warnings.get(1)).contains("crewstream.projector.bootstrap-servers", "ignored",
                "crewstream.ingestor.kafka.bootstrap-servers already stands for crewstream.kafka.bootstrap-servers");
    }

    @Test
    void kafkaBootstrapServersAndPortConfigureEveryAppBelowTheExplicitKeysAndAboveTheAppsOwnFile() {
        StandardEnvironment platformOnly = environment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-platform:9092",
                "PORT", "9000"), Map.of("server.port", "8081"));
        process(platformOnly);
        assertThat(bind(platformOnly).bootstrapServers()).isEqualTo("kafka-platform:9092");
        assertThat(platformOnly.getProperty("server.port")).isEqualTo("9000");

        StandardEnvironment explicit = environment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-platform:9092",
                "CREWSTREAM_KAFKA_BOOTSTRAPSERVERS", "kafka-explicit:9092", "PORT", "9000", "SERVER_PORT", "9001"),
                Map.of());
        process(explicit);
        assertThat(bind(explicit).bootstrapServers()).isEqualTo("kafka-explicit:9092");
        assertThat(explicit.getProperty("server.port")).isEqualTo("9001");
        assertThat(this.warnings).isEmpty();
    }

    @Test
    void kafkaBootstrapServersCountsAsTheNewKeySoAnOldKeyBesideItIsIgnored() {
        StandardEnvironment environment = environment(Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka-platform:9092",
                "CREWSTREAM_SSE_BOOTSTRAPSERVERS", "kafka-old:9092"), Map.of());

        process(environment);

        assertThat(bind(environment).bootstrapServers()).isEqualTo("kafka-platform:9092");
        assertThat(this.warnings).singleElement().asString().contains("crewstream.sse.bootstrap-servers", "ignored");
    }

    @Test
    void everySpringBootAppOfCrewstreamGetsTheTranslationAndItsWarningInTheLog(CapturedOutput output) {
        SpringApplication application = new SpringApplication(Settings.class);
        application.setWebApplicationType(WebApplicationType.NONE);
        try (ConfigurableApplicationContext context = application.run(
                "--crewstream.projector.bootstrap-servers=kafka-cli:9092", "--spring.main.banner-mode=off")) {
            assertThat(context.getBean(KafkaSettings.class).bootstrapServers()).isEqualTo("kafka-cli:9092");
        }
        assertThat(output.getOut()).contains("WARN").contains("Configuration key crewstream.projector.bootstrap-servers")
                .contains("use crewstream.kafka.bootstrap-servers instead");
    }

    @Test
    void everyOldKeyHasANewKeyThatIsNotItselfDeprecated() {
        assertThat(ConfigurationKeys.DEPRECATED).allSatisfy((oldKey, newKey) -> {
            assertThat(newKey).startsWith(KafkaSettings.PREFIX + ".");
            assertThat(ConfigurationKeys.DEPRECATED).doesNotContainKey(newKey);
        });
    }

    private void process(StandardEnvironment environment) {
        new ConfigurationKeys(supplier -> this.log).postProcessEnvironment(environment, new SpringApplication());
    }

    private static KafkaSettings bind(StandardEnvironment environment) {
        return Binder.get(environment).bindOrCreate(KafkaSettings.PREFIX, KafkaSettings.class);
    }

    /** An environment as an app sees it: these variables, then its own application.properties. */
    private static StandardEnvironment environment(Map<String, Object> variables, Map<String, Object> ownFile) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().replace(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
                        variables));
        environment.getPropertySources().addLast(new MapPropertySource("Config resource 'class path resource "
                + "[application.properties]'", ownFile));
        org.springframework.boot.context.properties.source.ConfigurationPropertySources.attach(environment);
        return environment;
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(KafkaSettings.class)
    static class Settings {
    }
}

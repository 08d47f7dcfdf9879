package io.crewstream.ingestor.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.crewstream.ingestor.config.IngestorProperties.Connection;
import io.crewstream.ingestor.config.IngestorProperties.Kafka;
import io.crewstream.ingestor.config.IngestorProperties.Upstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class IngestorConfigValidatorTest {

    private static final String SECRET = "s3cret-token-value";

    @TempDir
    Path folder;

    private static final Map<String, String> ENVIRONMENT = Map.of("OPENCLAW_GATEWAY_TOKEN", SECRET,
            "EMPTY_TOKEN", "  ");

    /** No OpenClaw config on this "machine". */
    private final IngestorConfigValidator validator = new IngestorConfigValidator(ENVIRONMENT::get,
            new LocalOpenClaw(ENVIRONMENT::get, () -> new OpenClawConfig.Absent(Path.of("/nowhere/openclaw.json"))));

    @Test
    void withoutUpstreamsTheLocalGatewayIsUsedWithTheTokenFromTheDefaultVariable() {
        List<UpstreamTarget> targets = this.validator.validate(properties(null));

        assertThat(targets).hasSize(1);
        UpstreamTarget local = targets.get(0);
        assertThat(local.id()).isEqualTo("local");
        assertThat(local.url()).hasToString("ws://127.0.0.1:18789");
        assertThat(local.token().reveal()).isEqualTo(SECRET);
        assertThat(local.origin()).isEqualTo("gateway ws://127.0.0.1:18789 (OpenClaw's default port), token from "
                + "$OPENCLAW_GATEWAY_TOKEN");
        assertThat(local.toString()).doesNotContain(SECRET);
        assertThat(local.token().toString()).doesNotContain(SECRET);
    }

    @Test
    void withNothingConfiguredTheLocalOpenclawsConfigGivesPortAndToken() throws Exception {
        Path config = Files.writeString(this.folder.resolve("openclaw.json"), """
                { gateway: { port: 19002, auth: { token: "from-openclaw", }, }, }""");
        Map<String, String> environment = Map.of("OPENCLAW_CONFIG_PATH", config.toString());

        UpstreamTarget local = new IngestorConfigValidator(environment::get).validate(properties(null)).get(0);

        assertThat(local.url()).hasToString("ws://127.0.0.1:19002");
        assertThat(local.token().reveal()).isEqualTo("from-openclaw");
        assertThat(local.origin()).isEqualTo("gateway ws://127.0.0.1:19002 (port from " + config + "), token from "
                + config).doesNotContain("from-openclaw");
    }

    @Test
    void crewstreamsOwnSettingsWinOverTheLocalOpenclaw() throws Exception {
        Path config = Files.writeString(this.folder.resolve("openclaw.json"),
                "{gateway: {port: 18789, auth: {token: 'from-openclaw'}}}");
        Path tokenFile = Files.writeString(this.folder.resolve("token"), "from-file");
        Map<String, String> environment = Map.of("OPENCLAW_CONFIG_PATH", config.toString(), "MY_TOKEN", "from-env");
        List<Upstream> upstreams = List.of(
                new Upstream("env", "ws://127.0.0.1:18789", "MY_TOKEN", null, true),
                new Upstream("file", null, null, tokenFile, true));

        List<UpstreamTarget> targets = new IngestorConfigValidator(environment::get).validate(properties(upstreams));

        assertThat(targets.get(0).token().reveal()).isEqualTo("from-env");
        assertThat(targets.get(0).origin()).isEqualTo("gateway ws://127.0.0.1:18789 "
                + "(crewstream.ingestor.upstreams[0].url), token from $MY_TOKEN (token-env)");
        assertThat(targets.get(1).token().reveal()).isEqualTo("from-file");
        assertThat(targets.get(1).origin()).isEqualTo("gateway ws://127.0.0.1:18789 (port from " + config
                + "), token from token-file " + tokenFile);
    }

    @Test
    void noTokenAnywhereIsOneLineSayingWhereCrewstreamLooked() {
        Path config = this.folder.resolve("openclaw.json");
        Map<String, String> environment = Map.of("OPENCLAW_CONFIG_PATH", config.toString());

        InvalidIngestorConfigException failure = catchThrowableOfType(InvalidIngestorConfigException.class,
                () -> new IngestorConfigValidator(environment::get).validate(properties(null)));

        assertThat(failure.problems()).containsExactly("crewstream.ingestor.upstreams[0] (local) has no token: "
                + "$OPENCLAW_GATEWAY_TOKEN is not set and " + config + " does not exist (export the gateway's token "
                + "as OPENCLAW_GATEWAY_TOKEN, or set token-file)");
    }

    @Test
    void everyProblemIsReportedOnItsOwnLineAtOnce() {
        List<Upstream> upstreams = List.of(
                new Upstream("a", "http://gateway:18789", "OPENCLAW_GATEWAY_TOKEN", null, true),
                new Upstream("a", "ws://gateway:18789", "OPENCLAW_GATEWAY_TOKEN", null, true),
                new Upstream("Bad/Id", "ws://gateway:18789", "OPENCLAW_GATEWAY_TOKEN", null, true),
                new Upstream("c", "ws://gateway:18789", "EMPTY_TOKEN", null, true),
                new Upstream("d", "ws://gateway:18789", "NOT_SET", null, true));

        InvalidIngestorConfigException failure = catchThrowableOfType(InvalidIngestorConfigException.class,
                () -> this.validator.validate(properties(upstreams)));

        assertThat(failure.problems()).containsExactly(
                "crewstream.ingestor.upstreams[0] (a).url 'http://gateway:18789' must start with ws:// or wss://",
                "crewstream.ingestor.upstreams[1].id 'a' is used by another upstream; ids must be unique",
                "crewstream.ingestor.upstreams[2].id 'Bad/Id' must be 1-64 characters of a-z, 0-9, '-' or '_', "
                        + "starting with a letter or digit",
                "crewstream.ingestor.upstreams[3] (c) has no token: environment variable EMPTY_TOKEN is empty or "
                        + "not set (or set token-file)",
                "crewstream.ingestor.upstreams[4] (d) has no token: environment variable NOT_SET is empty or not "
                        + "set (or set token-file)");
        assertThat(failure.getMessage()).doesNotContain(SECRET).contains(System.lineSeparator() + "  - ");
    }

    @Test
    void anInstanceIdOutsideTheRuleIsAProblemNamingTheProperty() {
        IngestorProperties base = properties(null);
        IngestorProperties properties = new IngestorProperties(base.upstreams(), base.kafka(), base.connection(),
                false, "my ingestor", IngestorProperties.Ownership.DEFAULTS);

        InvalidIngestorConfigException failure = catchThrowableOfType(InvalidIngestorConfigException.class,
                () -> this.validator.validate(properties));

        assertThat(failure.problems()).containsExactly("crewstream.ingestor.instance-id 'my ingestor' "
                + InstanceId.RULE);
    }

    @Test
    void aTokenFileWinsOverTheVariableAndItsProblemsAreNamed() throws Exception {
        Path tokenFile = Files.writeString(this.folder.resolve("token"), "from-file\n");
        Path emptyFile = Files.writeString(this.folder.resolve("empty"), "");
        List<Upstream> upstreams = List.of(
                new Upstream("file", "wss://gateway.example/ws", "OPENCLAW_GATEWAY_TOKEN", tokenFile, true),
                new Upstream("empty", "ws://gateway:18789", "OPENCLAW_GATEWAY_TOKEN", emptyFile, true),
                new Upstream("missing", "ws://gateway:18789", "OPENCLAW_GATEWAY_TOKEN",
                        this.folder.resolve("nope"), true));

        InvalidIngestorConfigException failure = catchThrowableOfType(InvalidIngestorConfigException.class,
                () -> this.validator.validate(properties(upstreams)));

        assertThat(failure.problems()).containsExactly(
                "crewstream.ingestor.upstreams[1] (empty).token-file " + emptyFile + " is empty",
                "crewstream.ingestor.upstreams[2] (missing).token-file " + this.folder.resolve("nope")
                        + " cannot be read: NoSuchFileException");
        UpstreamTarget fromFile = this.validator.validate(properties(upstreams.subList(0, 1))).get(0);
        assertThat(fromFile.token().reveal()).isEqualTo("from-file");
    }

    @Test
    void disabledUpstreamsAreNotConnectedAndNeedNoToken() {
        List<Upstream> upstreams = List.of(
                new Upstream("on", "ws://gateway:18789", "OPENCLAW_GATEWAY_TOKEN", null, true),
                new Upstream("off", "ws://other:18789", "NOT_SET", null, false));

        assertThat(this.validator.validate(properties(upstreams))).extracting(UpstreamTarget::id).containsExactly("on");
    }

    @Test
    void theUrlShownInStatusAndLogsHasNoUserInfoOrQuery() {
        List<Upstream> upstreams = List.of(new Upstream("q", "wss://user:pw@gateway.example:443/ws?token=abc",
                "OPENCLAW_GATEWAY_TOKEN", null, true));

        UpstreamTarget target = this.validator.validate(properties(upstreams)).get(0);

        assertThat(target.displayUrl()).isEqualTo("wss://gateway.example:443/ws");
    }

    @Test
    void kafkaAndTimingProblemsAreReportedToo() {
        IngestorProperties properties = new IngestorProperties(null,
                new Kafka(0, true, Duration.ofSeconds(30), 262144, 900000, 10),
                new Connection(Duration.ofSeconds(60), Duration.ofSeconds(40), Duration.ofSeconds(30),
                        Duration.ofSeconds(60), Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(30), 0,
                        Duration.ofSeconds(5), Duration.ofSeconds(5)), false, null, IngestorProperties.Ownership.DEFAULTS);

        InvalidIngestorConfigException failure = catchThrowableOfType(InvalidIngestorConfigException.class,
                () -> this.validator.validate(properties));

        assertThat(failure.problems()).hasSize(4)
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("crewstream.ingestor.kafka.raw-frames-partitions must be at least 1"))
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("crewstream.ingestor.connection.request-timeout"))
                .anySatisfy(problem -> assertThat(problem)
                        .startsWith("crewstream.ingestor.connection.backoff-initial (PT40S) must not exceed"))
                .anySatisfy(problem -> assertThat(problem).startsWith("crewstream.ingestor.connection.page-size"));
    }

    @Test
    void anInstanceIdThatCannotNameAKafkaClientOrIsTooLongIsRefused() {
        assertThat(problems(withOwnership("pod 7/a", IngestorProperties.Ownership.DEFAULTS))).containsExactly(
                "crewstream.ingestor.instance-id 'pod 7/a' " + InstanceId.RULE);
        assertThat(problems(withOwnership("x".repeat(101), IngestorProperties.Ownership.DEFAULTS))).containsExactly(
                "crewstream.ingestor.instance-id '" + "x".repeat(101) + "' " + InstanceId.RULE);
        assertThat(this.validator.validate(withOwnership("ingestor-2.eu_west", IngestorProperties.Ownership.DEFAULTS)))
                .hasSize(1);
    }

    @Test
    void aSessionTimeoutTheBrokerRefusesOrAHeartbeatTooSlowForItIsRefusedSayingWhy() {
        IngestorProperties.Ownership tooShort = new IngestorProperties.Ownership(Duration.ofSeconds(5),
                Duration.ofSeconds(1), Duration.ofSeconds(30));
        IngestorProperties.Ownership slowHeartbeat = new IngestorProperties.Ownership(Duration.ofSeconds(9),
                Duration.ofSeconds(3), Duration.ofSeconds(30));

        assertThat(problems(withOwnership(null, tooShort))).singleElement().asString()
                .startsWith("crewstream.ingestor.ownership.session-timeout must be at least 6s")
                .contains("group.min.session.timeout.ms");
        assertThat(problems(withOwnership(null, slowHeartbeat))).singleElement().asString()
                .startsWith("crewstream.ingestor.ownership.heartbeat-interval (PT3S) must be less than a third of "
                        + "session-timeout (PT9S)");
        assertThat(this.validator.validate(withOwnership(null, new IngestorProperties.Ownership(
                Duration.ofSeconds(6), Duration.ofMillis(1_999), Duration.ofSeconds(1))))).hasSize(1);
    }

    private List<String> problems(IngestorProperties properties) {
        return catchThrowableOfType(InvalidIngestorConfigException.class, () -> this.validator.validate(properties))
                .problems();
    }

    private static IngestorProperties withOwnership(String instanceId, IngestorProperties.Ownership ownership) {
        IngestorProperties valid = properties(List.of(new Upstream("a", "ws://gateway:18789", null, null, true)));
        return new IngestorProperties(valid.upstreams(), valid.kafka(), valid.connection(), false, instanceId,
                ownership);
    }

    private static IngestorProperties properties(List<Upstream> upstreams) {
        return new IngestorProperties(upstreams,
                new Kafka(3, true, Duration.ofSeconds(30), 262144, 900000, 100),
                new Connection(Duration.ofSeconds(60), Duration.ofSeconds(1), Duration.ofSeconds(30),
                        Duration.ofSeconds(60), Duration.ofSeconds(30), Duration.ofSeconds(10),
                        Duration.ofSeconds(30), 500, Duration.ofSeconds(5), Duration.ofSeconds(5)), false, null, IngestorProperties.Ownership.DEFAULTS);
    }
}

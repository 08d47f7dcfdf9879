package io.crewstream.ingestor.config;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.crewstream.ingestor.config.OpenClawConfig.FileToken;

/**
 * The OpenClaw gateway on this machine, as its own configuration describes it: where an upstream without a
 * {@code url} connects, and which token an upstream without a token setting sends. Mirrors OpenClaw 2026.9.6:
 * <ul>
 * <li>port: {@code $OPENCLAW_GATEWAY_PORT}, else {@code gateway.port} of the config file, else 18789
 * ({@code resolveGatewayPort}); {@code wss://} when {@code gateway.tls.enabled};
 * <li>token: {@code gateway.auth.token} of the config file first, then {@code $OPENCLAW_GATEWAY_TOKEN} (the gateway
 * resolves its own token "config-first", and so does OpenClaw's CLI for a local gateway).
 * </ul>
 * The file's token is only sent to the gateway that file configures: a loopback address on its port. Every answer
 * says where it came from, never showing the token.
 *
 * <p>Reads the config file at most once, and only when an answer needs it. Not thread-safe: used during start-up
 * by one thread.
 */
public final class LocalOpenClaw {

    static final int DEFAULT_PORT = 18789;
    static final String TOKEN_VARIABLE = "OPENCLAW_GATEWAY_TOKEN";
    static final String PORT_VARIABLE = "OPENCLAW_GATEWAY_PORT";

    /** What OpenClaw accepts there: a port, or {@code host:port} / {@code [v6]:port}. */
    private static final Pattern PORT_VALUE = Pattern.compile("(?:\\[[^]]+]:|[^:\\[]+:)?(\\d{1,5})");

    private final Function<String, String> environment;
    private final Supplier<OpenClawConfig> configSource;
    private OpenClawConfig config;

    /**
     * @param environment looks up environment variables ({@code System::getenv} in production)
     * @param config reads the config file; called at most once
     */
    LocalOpenClaw(Function<String, String> environment, Supplier<OpenClawConfig> config) {
        this.environment = environment;
        this.configSource = config;
    }

    /** The OpenClaw whose config file is where OpenClaw itself looks for it ({@link OpenClawConfigLocation}). */
    public static LocalOpenClaw of(Function<String, String> environment, Path userHome) {
        return new LocalOpenClaw(environment, () -> OpenClawConfigFile
                .read(OpenClawConfigLocation.resolve(environment, userHome).file(), environment));
    }

    /** Where the local gateway listens, and why there. */
    public Address address() {
        String fromVariable = variable(PORT_VARIABLE);
        OpenClawConfig config = config();
        boolean tls = config instanceof OpenClawConfig.Found found && found.tls();
        if (fromVariable != null) {
            Matcher matcher = PORT_VALUE.matcher(fromVariable);
            if (matcher.matches() && isPort(matcher.group(1))) {
                return new Address(loopback(tls, Integer.parseInt(matcher.group(1))), "port from $" + PORT_VARIABLE);
            }
        }
        if (config instanceof OpenClawConfig.Found found && found.port() != null) {
            return new Address(loopback(tls, found.port()), "port from " + config.file());
        }
        return new Address(loopback(tls, DEFAULT_PORT), "OpenClaw's default port");
    }

    /** The token for the gateway at {@code url}, for an upstream that names none itself. */
    public TokenLookup token(URI url) {
        String fromVariable = variable(TOKEN_VARIABLE);
        String fileProblem;
        if (isThisGateway(url)) {
            OpenClawConfig config = config();
            if (config instanceof OpenClawConfig.Found found && found.token() instanceof FileToken.Present present) {
                boolean differs = fromVariable != null && !fromVariable.equals(present.token().reveal());
                return new TokenLookup.Found(present.token(), "token from " + found.file() + (differs
                        ? " ($" + TOKEN_VARIABLE + " differs and is ignored, as the gateway itself does)" : ""));
            }
            fileProblem = config.file() + " " + whyNoToken(config);
        }
        else if (!isLoopback(url.getHost())) {
            fileProblem = "the local OpenClaw's token is only sent to its own gateway, on this machine";
        }
        else {
            fileProblem = "the local OpenClaw's token is only sent to its own gateway, at " + address().url();
        }
        if (fromVariable != null) {
            return new TokenLookup.Found(new GatewayToken(fromVariable), "token from $" + TOKEN_VARIABLE);
        }
        return new TokenLookup.NotFound("$" + TOKEN_VARIABLE + " is not set and " + fileProblem);
    }

    /**
     * What is wrong with the config file, when it was needed and could not be used (unreadable, not JSON5): for one
     * warning at start-up. Empty when it was fine, absent, or not needed.
     */
    public Optional<String> configProblem() {
        return this.config instanceof OpenClawConfig.Unusable unusable
                ? Optional.of("OpenClaw config " + unusable.file() + " " + unusable.why()
                        + ": its gateway port and token are not used")
                : Optional.empty();
    }

    private static String whyNoToken(OpenClawConfig config) {
        if (config instanceof OpenClawConfig.Unusable unusable) {
            return unusable.why();
        }
        if (config instanceof OpenClawConfig.Found found && found.token() instanceof FileToken.Missing missing) {
            return missing.why();
        }
        return "does not exist";
    }

    private boolean isThisGateway(URI url) {
        if (!isLoopback(url.getHost())) {
            return false;
        }
        int port = url.getPort() >= 0 ? url.getPort() : "wss".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        return port == address().url().getPort();
    }

    private static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        if (bare.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Literal addresses only: a name other than localhost is not looked up.
        if (!bare.contains(":") && !bare.matches("[0-9.]+")) {
            return false;
        }
        try {
            return InetAddress.getByName(bare).isLoopbackAddress();
        }
        catch (UnknownHostException ex) {
            return false;
        }
    }

    private OpenClawConfig config() {
        if (this.config == null) {
            this.config = this.configSource.get();
        }
        return this.config;
    }

    private String variable(String name) {
        String value = this.environment.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    private static boolean isPort(String digits) {
        int port = Integer.parseInt(digits);
        return port >= 1 && port <= 65535;
    }

    private static URI loopback(boolean tls, int port) {
        return URI.create((tls ? "wss" : "ws") + "://127.0.0.1:" + port);
    }

    /**
     * @param url {@code ws://127.0.0.1:<port>} (or {@code wss://})
     * @param origin why this port, e.g. {@code port from /home/me/.openclaw/openclaw.json}
     */
    public record Address(URI url, String origin) {
    }

    /** A token found for a gateway, or why there is none. */
    public sealed interface TokenLookup {

        /** @param origin where it came from, e.g. {@code token from /home/me/.openclaw/openclaw.json} */
        record Found(GatewayToken token, String origin) implements TokenLookup {
        }

        /** @param why one clause, e.g. {@code $OPENCLAW_GATEWAY_TOKEN is not set and there is no /h/.openclaw/openclaw.json} */
        record NotFound(String why) implements TokenLookup {
        }
    }
}

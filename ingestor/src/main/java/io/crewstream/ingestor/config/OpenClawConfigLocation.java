package io.crewstream.ingestor.config;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * Where a local OpenClaw keeps its config file, found the way OpenClaw 2026.9.6 finds it ({@code src/config/paths.ts},
 * {@code state-dir.ts}, {@code infra/home-dir.ts}): {@code $OPENCLAW_CONFIG_PATH}, else
 * {@code $OPENCLAW_STATE_DIR/openclaw.json}, else {@code <home>/.openclaw/openclaw.json}, where home is
 * {@code $OPENCLAW_HOME}, else {@code $HOME}, else the user's home directory; a leading {@code ~} means that home.
 * (OpenClaw also falls back to the pre-rename {@code ~/.clawdbot} folder and {@code clawdbot.json} when they exist;
 * crewstream does not.)
 *
 * @param file the config file OpenClaw would read (it need not exist)
 */
public record OpenClawConfigLocation(Path file) {

    static final String FILE_NAME = "openclaw.json";
    static final String STATE_DIR_NAME = ".openclaw";

    /**
     * @param environment looks up environment variables ({@code System::getenv} in production)
     * @param userHome the user's home directory from the platform, used when neither {@code OPENCLAW_HOME} nor
     *     {@code HOME} is set; {@code null} if unknown (the working directory then stands in, as in OpenClaw)
     */
    public static OpenClawConfigLocation resolve(Function<String, String> environment, Path userHome) {
        Path home = home(environment, userHome);
        String configPath = value(environment, "OPENCLAW_CONFIG_PATH");
        if (configPath != null) {
            return new OpenClawConfigLocation(expand(configPath, home));
        }
        String stateDir = value(environment, "OPENCLAW_STATE_DIR");
        if (stateDir != null) {
            return new OpenClawConfigLocation(expand(stateDir, home).resolve(FILE_NAME));
        }
        return new OpenClawConfigLocation(home.resolve(STATE_DIR_NAME).resolve(FILE_NAME));
    }

    private static Path home(Function<String, String> environment, Path userHome) {
        Path osHome = osHome(environment, userHome);
        String explicit = homeValue(environment, "OPENCLAW_HOME");
        if (explicit != null) {
            return expand(explicit, osHome);
        }
        return osHome;
    }

    private static Path osHome(Function<String, String> environment, Path userHome) {
        String home = homeValue(environment, "HOME");
        if (home != null) {
            return Path.of(home).toAbsolutePath().normalize();
        }
        return userHome != null ? userHome.toAbsolutePath().normalize() : Path.of("").toAbsolutePath();
    }

    /** {@code ~}, {@code ~/x} → under {@code home}; anything else as given, made absolute. */
    private static Path expand(String path, Path home) {
        if (path.equals("~")) {
            return home;
        }
        if (path.startsWith("~/")) {
            return home.resolve(path.substring(2)).normalize();
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /** OpenClaw trims these variables and treats blank as unset. */
    private static String value(Function<String, String> environment, String name) {
        String value = environment.apply(name);
        return value == null || value.isBlank() ? null : value.trim();
    }

    /** A home variable: also unset when it says {@code undefined} or {@code null}, as OpenClaw's normalization has it. */
    private static String homeValue(Function<String, String> environment, String name) {
        String value = value(environment, name);
        return value == null || value.equals("undefined") || value.equals("null") ? null : value;
    }
}

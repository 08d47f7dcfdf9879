package io.crewstream.ingestor.config;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** crewstream looks for OpenClaw's config file exactly where OpenClaw itself does. */
class OpenClawConfigLocationTest {

    private static final Path USER_HOME = Path.of("/home/from-platform");

    @Test
    void withNothingSetItIsOpenclawJsonInTheDotOpenclawFolderOfHome() {
        assertThat(resolve(Map.of("HOME", "/home/me"))).isEqualTo(Path.of("/home/me/.openclaw/openclaw.json"));
        assertThat(resolve(Map.of())).as("no $HOME: the platform's home directory")
                .isEqualTo(Path.of("/home/from-platform/.openclaw/openclaw.json"));
    }

    @Test
    void theConfigPathVariableWinsOverTheStateDirectoryWhichWinsOverHome() {
        assertThat(resolve(Map.of("HOME", "/home/me", "OPENCLAW_STATE_DIR", "/srv/openclaw",
                "OPENCLAW_CONFIG_PATH", "/etc/openclaw/gateway.json5")))
                .isEqualTo(Path.of("/etc/openclaw/gateway.json5"));
        assertThat(resolve(Map.of("HOME", "/home/me", "OPENCLAW_STATE_DIR", "/srv/openclaw")))
                .isEqualTo(Path.of("/srv/openclaw/openclaw.json"));
    }

    @Test
    void openclawHomeReplacesHomeAndATildeMeansThatHome() {
        assertThat(resolve(Map.of("HOME", "/home/me", "OPENCLAW_HOME", "/opt/claw")))
                .isEqualTo(Path.of("/opt/claw/.openclaw/openclaw.json"));
        assertThat(resolve(Map.of("HOME", "/home/me", "OPENCLAW_HOME", "~/claw-home")))
                .as("OPENCLAW_HOME's own tilde is the OS home")
                .isEqualTo(Path.of("/home/me/claw-home/.openclaw/openclaw.json"));
        assertThat(resolve(Map.of("HOME", "/home/me", "OPENCLAW_HOME", "/opt/claw", "OPENCLAW_STATE_DIR", "~/state")))
                .isEqualTo(Path.of("/opt/claw/state/openclaw.json"));
        assertThat(resolve(Map.of("HOME", "/home/me", "OPENCLAW_CONFIG_PATH", "~/a.json")))
                .isEqualTo(Path.of("/home/me/a.json"));
    }

    @Test
    void blankVariablesCountAsUnsetAndValuesAreTrimmed() {
        assertThat(resolve(Map.of("HOME", " /home/me ", "OPENCLAW_CONFIG_PATH", "  ", "OPENCLAW_STATE_DIR", "",
                "OPENCLAW_HOME", "undefined")))
                .isEqualTo(Path.of("/home/me/.openclaw/openclaw.json"));
    }

    private static Path resolve(Map<String, String> environment) {
        return OpenClawConfigLocation.resolve(environment::get, USER_HOME).file();
    }
}

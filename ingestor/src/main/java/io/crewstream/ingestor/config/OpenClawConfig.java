package io.crewstream.ingestor.config;

import java.nio.file.Path;

/**
 * What crewstream takes from a local OpenClaw's config file ({@link OpenClawConfigFile} reads it): the gateway's
 * port, whether it serves TLS, and its shared token. No variant shows the token in {@code toString()}.
 */
public sealed interface OpenClawConfig {

    /** The file this was read from (or would have been). */
    Path file();

    /** No file there: OpenClaw runs on its defaults (port 18789, a token it generates and writes to the file). */
    record Absent(Path file) implements OpenClawConfig {
    }

    /**
     * A file that cannot be used.
     *
     * @param why e.g. {@code cannot be read: AccessDeniedException} or {@code is not valid JSON5 (line 3, column
     *     9)}; never the file's content, which holds secrets
     */
    record Unusable(Path file, String why) implements OpenClawConfig {
    }

    /**
     * @param port {@code gateway.port}, or {@code null} when not set (or not a port number, which OpenClaw ignores
     *     too)
     * @param tls {@code gateway.tls.enabled}: the gateway serves {@code wss://}
     * @param token the gateway's shared token, or why there is none
     */
    record Found(Path file, Integer port, boolean tls, FileToken token) implements OpenClawConfig {
    }

    /** The shared token a config file gives the gateway, or why it gives none. */
    sealed interface FileToken {

        record Present(GatewayToken token) implements FileToken {
        }

        /** @param why e.g. {@code has no gateway.auth.token}, {@code sets gateway.auth.mode to password} */
        record Missing(String why) implements FileToken {
        }
    }
}

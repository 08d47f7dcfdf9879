package io.crewstream.bench.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * nginx + Nchan, the C fan-out peer of issue #19, started as {@code ../shared/reference/nchan-peer.md} says: a master
 * and one worker under a scratch folder, no system service, a channel published with {@code POST /pub} and
 * subscribed as EventSource on {@code GET /events}. Two settings differ from that reference, both so that it is
 * measured doing what the gateway does: the message body limit is raised (a whole-state refresh is a message), and
 * a new subscriber gets the newest message ({@code nchan_subscriber_first_message -1}) — the harness publishes the
 * whole state as a {@code sessions-refresh} first, so every subscriber starts with the initial state, as a gateway
 * client does.
 *
 * <p>Needs {@code nginx} and {@code libnginx-mod-nchan} (Debian 12: {@code apt-get install nginx
 * libnginx-mod-nchan}). Not thread-safe, except {@link #publish}, which one publisher thread calls in sequence.
 */
public final class NchanPeer implements AutoCloseable {

    static final Path MODULE = Path.of("/usr/lib/nginx/modules/ngx_nchan_module.so");

    private static final String CONFIG = """
            load_module modules/ngx_nchan_module.so;
            pid        logs/nginx.pid;
            error_log  logs/error.log warn;
            daemon     off;
            worker_rlimit_nofile 20000;

            events {
                use epoll;
                worker_connections 21400;
                multi_accept on;
            }

            http {
                access_log off;
                client_body_temp_path tmp/body;
                proxy_temp_path       tmp/proxy;
                fastcgi_temp_path     tmp/fastcgi;
                uwsgi_temp_path       tmp/uwsgi;
                scgi_temp_path        tmp/scgi;
                keepalive_requests    1000000;
                keepalive_timeout     120s;
                client_max_body_size    64m;
                client_body_buffer_size 64m;
                nchan_shared_memory_size 256M;

                server {
                    listen 127.0.0.1:%d reuseport backlog=4096;

                    location = /pub {
                        nchan_publisher;
                        nchan_channel_id dash;
                        nchan_message_buffer_length 1000;
                        nchan_message_timeout 10m;
                    }
                    location = /events {
                        nchan_subscriber eventsource;
                        nchan_channel_id dash;
                        nchan_subscriber_first_message -1;
                    }
                }
            }
            """;

    private final Process master;

    private final int port;

    private final HttpClient publisher = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private NchanPeer(Process master, int port) {
        this.master = master;
        this.port = port;
    }

    /** Starts nginx with one worker in {@code directory} (created, its config rewritten) and waits for its port. */
    public static NchanPeer start(Path directory) {
        if (!Files.isRegularFile(MODULE)) {
            throw new IllegalStateException("Nchan is not installed (" + MODULE
                    + " is missing): apt-get install nginx libnginx-mod-nchan");
        }
        int port = Services.freePort();
        try {
            for (String folder : List.of("logs", "tmp", "modules")) {
                Files.createDirectories(directory.resolve(folder));
            }
            Path link = directory.resolve("modules/ngx_nchan_module.so");
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, MODULE);
            Files.writeString(directory.resolve("nginx.conf"), CONFIG.formatted(port));
            Process master = new ProcessBuilder("nginx", "-p", directory.toString(), "-c", "nginx.conf", "-g",
                    "worker_processes 1;").redirectErrorStream(true)
                    .redirectOutput(directory.resolve("logs/nginx.out").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(master::destroyForcibly));
            NchanPeer peer = new NchanPeer(master, port);
            peer.awaitListening(Duration.ofSeconds(20));
            return peer;
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Could not start nginx + Nchan in " + directory, ex);
        }
    }

    private void awaitListening(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", this.port), 500);
                if (workerPid() > 0) {
                    return;
                }
            }
            catch (IOException ex) {
                // Not listening yet.
            }
            if (!this.master.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("nginx + Nchan did not start listening on " + this.port
                        + "; see its logs/error.log");
            }
            try {
                Thread.sleep(50);
            }
            catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(ex);
            }
        }
    }

    public URI events() {
        return URI.create("http://127.0.0.1:" + this.port + "/events");
    }

    /** The worker, which does the fan-out (the master only supervises); -1 before it is up. */
    public long workerPid() {
        return this.master.children().findFirst().map(ProcessHandle::pid).orElse(-1L);
    }

    public long rssKb() {
        return ProcessStats.rssKb(workerPid());
    }

    /**
     * Publishes one message as the event named {@code event} and waits for Nchan's answer, which it sends once the
     * message is written to every subscriber.
     */
    public void publish(String event, byte[] body) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + this.port + "/pub"))
                .header("X-EventSource-Event", event).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
        try {
            HttpResponse<Void> response = this.publisher.send(request, HttpResponse.BodyHandlers.discarding());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("Nchan answered a publish with " + response.statusCode());
            }
        }
        catch (IOException ex) {
            throw new UncheckedIOException("Publishing to Nchan failed", ex);
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    /** Stops nginx gracefully (SIGQUIT, as the reference says: never a reload), forcibly after 10 s. */
    @Override
    public void close() {
        try {
            new ProcessBuilder("kill", "-QUIT", String.valueOf(this.master.pid())).start().waitFor();
            if (!this.master.waitFor(10, TimeUnit.SECONDS)) {
                this.master.descendants().forEach(ProcessHandle::destroyForcibly);
                this.master.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (IOException ex) {
            this.master.destroyForcibly();
        }
        catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}

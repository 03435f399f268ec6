package io.procpool.dashboard;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.procpool.Pool;
import io.procpool.PoolException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live, read-only web page of a pool's {@link Pool#insights()}: the workers (state, pid, tasks, busy share, memory,
 * CPU, what each runs now), a task stream (one row per worker over the last minute, a bar per task, failures in red,
 * idle time as gaps), throughput, each running map call with a progress bar and ETA, failures with their remote stack
 * traces, and the workers that ended with their exit code, reason and respawn.
 *
 * <pre>{@code
 * try (PoolDashboard dashboard = PoolDashboard.start(pool)) {   // 127.0.0.1, a free port
 *     System.err.println("dashboard: " + dashboard.uri());
 *     pool.map(...);
 * }
 * }</pre>
 *
 * <p>Served by the JDK's own {@code com.sun.net.httpserver}: {@code GET /} is the page (HTML, CSS and JavaScript from
 * this jar; nothing is fetched from elsewhere), which polls {@code GET /api/insights}, the snapshot as JSON with the
 * records' names (instants in epoch milliseconds, durations in milliseconds). No endpoint changes the pool; every
 * other method is refused with 405.
 *
 * <p>Security: {@link #start(Pool)} listens on the loopback interface only, so only this machine's users see it.
 * Another address ({@link #start(Pool, InetSocketAddress)}) is the caller's explicit choice and shows, without
 * authentication or TLS, to anyone who can reach it: the workers' pids, memory and CPU, the tasks' function names, the
 * failures' messages and stack traces, and the tasks' arguments when the pool records them
 * ({@code recordArguments(true)}).
 *
 * <p>Thread-safety: thread-safe; requests are served one at a time on one daemon thread of its own. {@link #close()}
 * is idempotent.
 */
public final class PoolDashboard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PoolDashboard.class);
    private static final String RESOURCES = "/io/procpool/dashboard/";
    private static final Map<String, String> STATIC = Map.of(
            "/", "index.html",
            "/index.html", "index.html",
            "/dashboard.css", "dashboard.css",
            "/dashboard.js", "dashboard.js");

    private final Pool pool;
    private final HttpServer server;
    private final ExecutorService thread;
    private final URI uri;

    private PoolDashboard(Pool pool, HttpServer server, ExecutorService thread) {
        this.pool = pool;
        this.server = server;
        this.thread = thread;
        InetSocketAddress bound = server.getAddress();
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        this.uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/");
    }

    /**
     * Serves the dashboard of {@code pool} on 127.0.0.1 at a free port.
     *
     * @param pool the pool to show
     * @return the running dashboard; close it when done (closing the pool does not)
     * @throws PoolException the server could not start
     */
    public static PoolDashboard start(Pool pool) {
        return start(pool, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    /**
     * Serves the dashboard of {@code pool} at {@code address}. See the class comment for what an address other than
     * loopback exposes.
     *
     * @param pool    the pool to show
     * @param address where to listen; port 0 takes a free one
     * @return the running dashboard; close it when done
     * @throws PoolException the server could not bind {@code address}
     */
    public static PoolDashboard start(Pool pool, InetSocketAddress address) {
        Objects.requireNonNull(pool, "pool");
        Objects.requireNonNull(address, "address");
        HttpServer server;
        try {
            server = HttpServer.create(address, 16);
        } catch (IOException e) {
            throw new PoolException("the dashboard could not listen on " + address + ": " + e.getMessage(), e);
        }
        ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
            Thread t = new Thread(runnable, "procpool-dashboard-" + server.getAddress().getPort());
            t.setDaemon(true);
            return t;
        });
        PoolDashboard dashboard = new PoolDashboard(pool, server, thread);
        server.createContext("/", dashboard::handle);
        server.setExecutor(thread);
        server.start();
        LOG.debug("dashboard of {} at {}", pool, dashboard.uri);
        return dashboard;
    }

    /** @return where the page is, such as {@code http://127.0.0.1:40123/} */
    public URI uri() {
        return uri;
    }

    /** Stops serving at once; idempotent. The pool goes on. */
    @Override
    public void close() {
        server.stop(0);
        thread.shutdownNow();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                send(exchange, 405, "text/plain", "read-only: GET only\n".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/api/insights")) {
                byte[] json = InsightsJson.write(pool.toString(), pool.insights()).getBytes(StandardCharsets.UTF_8);
                send(exchange, 200, "application/json", json);
                return;
            }
            String resource = STATIC.get(path);
            if (resource == null) {
                send(exchange, 404, "text/plain", ("no such page: " + path + "\n").getBytes(StandardCharsets.UTF_8));
                return;
            }
            send(exchange, 200, contentType(resource), resource(resource));
        } catch (RuntimeException e) {
            LOG.warn("dashboard request {} failed", exchange.getRequestURI(), e);
            throw e;
        }
    }

    private static byte[] resource(String name) {
        try (InputStream in = PoolDashboard.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from its jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String contentType(String resource) {
        return resource.endsWith(".html") ? "text/html; charset=utf-8"
                : resource.endsWith(".css") ? "text/css; charset=utf-8" : "text/javascript; charset=utf-8";
    }

    private static void send(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }
}
